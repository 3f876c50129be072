package dev.vendorpoller.ratelimit;

import java.time.Duration;

/**
 * The account's budget would make a request wait longer than its max-wait (a long Retry-After, a spent window).
 * Nothing was sent: the run ends and the next scheduled run asks again, instead of holding a thread for an hour.
 */
public class BudgetWaitTooLongException extends RuntimeException {
    public BudgetWaitTooLongException(String account, String reason, Duration wait) {
        super("account " + account + ": the next request would wait " + wait + " (" + reason + "), longer than its max-wait");
    }
}
