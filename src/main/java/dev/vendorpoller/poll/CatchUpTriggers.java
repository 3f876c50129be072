package dev.vendorpoller.poll;

import org.apache.camel.Route;
import org.apache.camel.support.RoutePolicySupport;

/**
 * The poll routes' policy (routes/poll-feed.yaml, {@code routePolicy: catchUpTriggers}): a paused feed loses its
 * waiting catch-up run (on every node: the trigger is in the scheduler's store), and a stopped or removed route's
 * catch-up trigger goes with it on a node of its own, so camel-quartz can schedule the feed's job anew when the route
 * starts again. On a cluster a stopping node leaves it for another node to fire.
 */
public final class CatchUpTriggers extends RoutePolicySupport {
    private static final String ROUTE_PREFIX = "poll-";
    private final FeedSchedules schedules;

    public CatchUpTriggers(FeedSchedules schedules) {
        this.schedules = schedules;
    }

    @Override
    public void onSuspend(Route route) {
        feed(route, true);
    }

    @Override
    public void onStop(Route route) {
        feed(route, false);
    }

    @Override
    public void onRemove(Route route) {
        feed(route, false);
    }

    private void feed(Route route, boolean evenWhenClustered) {
        String id = route.getRouteId();
        if (id != null && id.startsWith(ROUTE_PREFIX)) {
            schedules.cancelCatchUp(id.substring(ROUTE_PREFIX.length()), evenWhenClustered);
        }
    }
}
