package dev.vendorpoller.account;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The vendor accounts this service calls, by name. */
public final class Accounts {
    private final Map<String, Account> byName = new LinkedHashMap<>();

    public Accounts(List<Account> accounts) {
        accounts.forEach(a -> byName.put(a.name(), a));
    }

    public Account get(String name) {
        Account account = byName.get(name);
        if (account == null) {
            throw new IllegalArgumentException("unknown account '" + name + "'");
        }
        return account;
    }

    public Collection<Account> all() {
        return byName.values();
    }
}
