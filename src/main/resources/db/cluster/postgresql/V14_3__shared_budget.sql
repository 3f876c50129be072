-- One budget per vendor account across the cluster (issue 14). Only on PostgreSQL: embedded H2 is one node and keeps
-- the governor's budget in memory. Times in budget_spend are epoch milliseconds of the database's clock, so every node
-- counts on one clock; see docs/cluster.md "One budget per vendor account".

-- Each granted request, from its grant until a window after its answer (the vendor counts arrivals, and a request can
-- leave late: ratelimit/TierWindows). seen_by is null while it is in flight; an unanswered request (its node died)
-- counts as in flight until lease_until at most.
CREATE TABLE budget_spend (
    id          BIGSERIAL    NOT NULL PRIMARY KEY,
    account     VARCHAR(200) NOT NULL,
    node        VARCHAR(100) NOT NULL,
    granted_at  BIGINT       NOT NULL,
    seen_by     BIGINT,
    lease_until BIGINT       NOT NULL
);
CREATE INDEX budget_spend_account ON budget_spend (account, granted_at);

-- One row per account: its lock serialises grants; paused_until is a pause every node keeps (a 429's Retry-After, or
-- the vendor saying its window is spent until its reset).
CREATE TABLE budget_account (
    account      VARCHAR(200)             NOT NULL PRIMARY KEY,
    paused_until TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT '1970-01-01T00:00:00Z',
    pause_reason VARCHAR(40)
);

-- The account's circuit breaker as every node sees it: opened by a node until open_until (then each node's breaker
-- half-opens and probes).
CREATE TABLE account_breaker (
    account    VARCHAR(200)             NOT NULL PRIMARY KEY,
    open_until TIMESTAMP WITH TIME ZONE NOT NULL,
    reason     VARCHAR(300),
    node       VARCHAR(100)
);

-- One grant attempt, one round trip: under the account row's lock, counts what every node spent in each configured
-- tier (p_limits: the usable limits, reserve taken off; p_spans: each window plus the edge margin, in ms) and the
-- requests in flight, and either records the request (granted = its id) or says how long to wait and why
-- (reason: 'pause:<why>', 'tier:<index from 1>' or 'concurrency'). remaining: the least any tier has left after this
-- attempt (-1: no tier); breaker_open_for: ms the shared breaker stays open (<= 0: not open).
CREATE FUNCTION budget_grant(p_account VARCHAR, p_node VARCHAR, p_limits INT[], p_spans BIGINT[], p_max_concurrent INT,
        p_lease BIGINT)
RETURNS TABLE (granted BIGINT, wait_millis BIGINT, reason TEXT, remaining BIGINT, breaker_open_for BIGINT)
LANGUAGE plpgsql AS $$
DECLARE
    v_now      BIGINT;
    v_paused   BIGINT;
    v_why      TEXT;
    v_breaker  BIGINT := 0;
    v_used     BIGINT;
    v_leave    BIGINT;
    v_wait     BIGINT := 0;
    v_left     BIGINT := -1;
    v_max_span BIGINT := 0;
    v_id       BIGINT;
    i          INT;
BEGIN
    -- a grant need not wait for the disk: a PostgreSQL crash forgets at most the last ~0.6 s of grants (3 x
    -- wal_writer_delay), which the vendor's own 429 and Retry-After then cover; this halves a grant's time here
    PERFORM set_config('synchronous_commit', 'off', true);
    SELECT (EXTRACT(EPOCH FROM paused_until) * 1000)::BIGINT, pause_reason INTO v_paused, v_why
        FROM budget_account WHERE account = p_account FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO budget_account (account) VALUES (p_account) ON CONFLICT (account) DO NOTHING;
        SELECT (EXTRACT(EPOCH FROM paused_until) * 1000)::BIGINT, pause_reason INTO v_paused, v_why
            FROM budget_account WHERE account = p_account FOR UPDATE;
    END IF;
    -- the clock is read once the lock is held: every grant before this one is committed and counted
    v_now := (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT;
    SELECT (EXTRACT(EPOCH FROM open_until) * 1000)::BIGINT - v_now INTO v_breaker
        FROM account_breaker WHERE account = p_account;
    v_breaker := COALESCE(v_breaker, 0);
    IF v_paused > v_now THEN
        RETURN QUERY SELECT NULL::BIGINT, v_paused - v_now, 'pause:' || COALESCE(v_why, 'retry-after'), 0::BIGINT, v_breaker;
        RETURN;
    END IF;
    FOR i IN 1 .. COALESCE(array_length(p_limits, 1), 0) LOOP
        v_max_span := GREATEST(v_max_span, p_spans[i]);
        -- in its window from its grant, while in flight (as if seen now), until the window after its answer
        SELECT COUNT(*) INTO v_used FROM budget_spend WHERE account = p_account
            AND COALESCE(seen_by, LEAST(v_now, lease_until)) + p_spans[i] > v_now;
        IF v_used >= p_limits[i] THEN
            -- room once enough of them have left the window: the (used - limit + 1)th to leave
            SELECT COALESCE(seen_by, LEAST(v_now, lease_until)) + p_spans[i] INTO v_leave FROM budget_spend
                WHERE account = p_account AND COALESCE(seen_by, LEAST(v_now, lease_until)) + p_spans[i] > v_now
                ORDER BY 1 OFFSET (v_used - p_limits[i]) LIMIT 1;
            IF v_leave - v_now > v_wait THEN
                v_wait := v_leave - v_now;
                v_why := 'tier:' || i;
            END IF;
        END IF;
        v_left := CASE WHEN v_left < 0 THEN p_limits[i] - v_used ELSE LEAST(v_left, p_limits[i] - v_used) END;
    END LOOP;
    IF v_wait = 0 AND p_max_concurrent > 0 THEN
        SELECT COUNT(*) INTO v_used FROM budget_spend
            WHERE account = p_account AND seen_by IS NULL AND lease_until > v_now;
        IF v_used >= p_max_concurrent THEN
            v_wait := 20; -- a slot frees when an answer comes: look again soon
            v_why := 'concurrency';
        END IF;
    END IF;
    -- now and then, forget requests that left every window
    IF random() < 0.05 THEN
        DELETE FROM budget_spend WHERE account = p_account AND COALESCE(seen_by, lease_until) + v_max_span < v_now;
    END IF;
    IF v_wait > 0 THEN
        RETURN QUERY SELECT NULL::BIGINT, v_wait, v_why, GREATEST(v_left, 0), v_breaker;
        RETURN;
    END IF;
    INSERT INTO budget_spend (account, node, granted_at, lease_until) VALUES (p_account, p_node, v_now, v_now + p_lease)
        RETURNING id INTO v_id;
    RETURN QUERY SELECT v_id, 0::BIGINT, NULL::TEXT, CASE WHEN v_left < 0 THEN -1 ELSE v_left - 1 END, v_breaker;
END;
$$;

-- The answer to a granted request came (or it gave up): from now it leaves each window a window later.
CREATE FUNCTION budget_answered(p_id BIGINT) RETURNS VOID
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    UPDATE budget_spend SET seen_by = (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT
        WHERE id = p_id AND seen_by IS NULL;
END;
$$;
