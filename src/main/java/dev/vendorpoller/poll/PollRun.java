package dev.vendorpoller.poll;

import dev.vendorpoller.feed.Cursor;
import dev.vendorpoller.source.Page;
import org.apache.camel.Exchange;
import org.quartz.Scheduler;
import org.quartz.Trigger;

/**
 * A run of a feed's poll route as typed exchange properties: the one place their names are written. The route
 * template sets {@value #FEED} and loops while {@value #HAS_MORE} (routes/poll-feed.yaml); the steps read and write the
 * rest through here.
 */
public final class PollRun {
    /** The feed's name, set by the poll-feed template. */
    public static final String FEED = "feed";
    /** Whether the page loop goes on, read by the poll-feed template. */
    public static final String HAS_MORE = "hasMore";
    private static final String CURSOR = "cursor";
    private static final String PAGE = "page";
    private static final String PAGE_STARTED = "pageStartedNanos";
    /** Requests made for the current page so far (retries included); reset when a page commits. */
    private static final String PAGE_ATTEMPTS = "pageAttempts";
    /** Refused cursors recovered in this run. */
    private static final String RECOVERIES = "cursorRecoveries";
    /** Set when a refusal came after the run had used its recoveries: the dead letter says so. */
    private static final String RECOVERY_LIMIT = "cursorRecoveryLimit";

    /** When the run began (System.nanoTime) and the pages it committed: when to yield. */
    private static final String RUN_STARTED = "runStartedNanos";
    private static final String RUN_PAGES = "runPages";
    /** The Quartz scheduler and trigger that fired this run (camel-quartz's headers, kept past fetch-page's removal). */
    private static final String SCHEDULER = "runScheduler";
    private static final String TRIGGER = "runTrigger";

    private final Exchange exchange;

    private PollRun(Exchange exchange) {
        this.exchange = exchange;
    }

    public static PollRun of(Exchange exchange) {
        return new PollRun(exchange);
    }

    public String feed() {
        return exchange.getProperty(FEED, String.class);
    }

    /** Where the run is: the cursor the next page is read after. */
    public Cursor cursor() {
        return exchange.getProperty(CURSOR, Cursor.class);
    }

    public void cursor(Cursor cursor) {
        exchange.setProperty(CURSOR, cursor);
    }

    /** The page read last, until it commits. */
    public Page page() {
        return exchange.getProperty(PAGE, Page.class);
    }

    public void page(Page page) {
        exchange.setProperty(PAGE, page);
    }

    public void hasMore(boolean more) {
        exchange.setProperty(HAS_MORE, more);
    }

    /** A request for the current page is about to go out: counts it and notes when the page started. */
    public void requestStarted() {
        exchange.setProperty(PAGE_STARTED, System.nanoTime());
        exchange.setProperty(PAGE_ATTEMPTS, attempts() + 1);
    }

    /** Requests made for the current page so far (at least 1 once one was made). */
    public int attempts() {
        return exchange.getProperty(PAGE_ATTEMPTS, 0, Integer.class);
    }

    /** Nanoseconds since the current page's last request started. */
    public long pageNanos() {
        return System.nanoTime() - exchange.getProperty(PAGE_STARTED, System.nanoTime(), Long.class);
    }

    /** The page committed: the next one starts counting afresh. */
    public void pageCommitted() {
        exchange.setProperty(PAGE_ATTEMPTS, 0);
        exchange.setProperty(RUN_PAGES, pages() + 1);
    }

    /** The run begins now, fired by {@code trigger} of {@code scheduler} (both null when not fired by Quartz). */
    public void began(Scheduler scheduler, Trigger trigger) {
        exchange.setProperty(RUN_STARTED, System.nanoTime());
        exchange.setProperty(RUN_PAGES, 0);
        exchange.setProperty(SCHEDULER, scheduler);
        exchange.setProperty(TRIGGER, trigger);
    }

    /** Pages this run committed so far. */
    public int pages() {
        return exchange.getProperty(RUN_PAGES, 0, Integer.class);
    }

    /** Nanoseconds since the run began. */
    public long runNanos() {
        return System.nanoTime() - exchange.getProperty(RUN_STARTED, System.nanoTime(), Long.class);
    }

    public Scheduler scheduler() {
        return exchange.getProperty(SCHEDULER, Scheduler.class);
    }

    public Trigger trigger() {
        return exchange.getProperty(TRIGGER, Trigger.class);
    }

    /** Refused cursors recovered in this run so far. */
    public int recoveries() {
        return exchange.getProperty(RECOVERIES, 0, Integer.class);
    }

    public void recovered() {
        exchange.setProperty(RECOVERIES, recoveries() + 1);
    }

    /** The vendor refused a cursor again after the run used its {@code limit} recoveries. */
    public void recoveryLimitReached(int limit) {
        exchange.setProperty(RECOVERY_LIMIT, limit);
    }

    /** The limit that was reached, or 0 when the run has not reached it. */
    public int recoveryLimit() {
        return exchange.getProperty(RECOVERY_LIMIT, 0, Integer.class);
    }

    /** What the route caught (an error handler or doCatch is running), or null. */
    public Throwable caught() {
        return exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    }
}
