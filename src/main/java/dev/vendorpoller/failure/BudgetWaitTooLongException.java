package dev.vendorpoller.failure;

import java.time.Duration;

/**
 * The account's budget would make a request wait longer than its max-wait (a long Retry-After, a spent window).
 * Nothing was sent: the run ends and the next scheduled run asks again, instead of holding a thread for an hour.
 */
public class BudgetWaitTooLongException extends RuntimeException {
    public BudgetWaitTooLongException(String account, String reason, Duration wait) {
        this("account " + account + ": the next request would wait " + wait + " (" + reason + "), longer than its max-wait");
    }

    private BudgetWaitTooLongException(String message) {
        super(message);
    }

    /**
     * The cluster's shared budget could not be asked (its database is away): nothing is sent, as if the budget were
     * spent; the run ends and the next scheduled one asks again, rather than dead-lettering a page for a database blip.
     */
    public static BudgetWaitTooLongException sharedBudgetUnavailable(String account, String why) {
        return new BudgetWaitTooLongException("account " + account + ": the cluster's shared budget is unavailable (" + why
                + "); nothing sent, the next run asks again");
    }

    /** The service is stopping while a request waits for budget: stop waiting, send nothing. */
    public static BudgetWaitTooLongException stopping(String account, String reason) {
        return new BudgetWaitTooLongException("account " + account + ": the service is stopping; the request waiting for "
                + reason + " is not sent");
    }
}
