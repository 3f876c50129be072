package dev.vendorpoller.account;

import org.apache.camel.Exchange;

/**
 * A request to a vendor account as typed exchange properties: the one place their names are written. Callers (the
 * poll route, the outbox drain) say where the request goes with {@link #to}; routes/vendor-account.yaml reads
 * {@value #REQUEST_URL}, and the callers' routes send to {@code direct:account-${exchangeProperty.account}}.
 */
public final class AccountCall {
    /** The account's name. */
    public static final String ACCOUNT = "account";
    /** The URL the account's route sends the request to. */
    public static final String REQUEST_URL = "requestUrl";
    static final String PERMIT = "governorPermit";
    static final String SENT_AUTH = "sentAuthorization";
    static final String SENT_AT = "requestSentNanos";
    /** Set once a 401 led to new credentials; a second 401 for the same request is then final. */
    static final String CREDENTIALS_REFRESHED = "credentialsRefreshed";

    private AccountCall() {
    }

    /** The exchange's request goes to {@code url} through {@code account}'s route (budget, breaker, credentials). */
    public static void to(Exchange exchange, String account, String url) {
        exchange.setProperty(ACCOUNT, account);
        exchange.setProperty(REQUEST_URL, url);
    }

    public static String account(Exchange exchange) {
        return exchange.getProperty(ACCOUNT, String.class);
    }

    public static String url(Exchange exchange) {
        return exchange.getProperty(REQUEST_URL, String.class);
    }

    /** The endpoint of an account's route. */
    public static String endpoint(String account) {
        return "direct:account-" + account;
    }
}
