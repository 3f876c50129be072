-- A cursor of any length (issue 12): link-header queries and continuation tokens can exceed 4 000 characters, and a
-- cursor that does not fit fails every page commit of its feed for ever. VARCHAR without a length is H2's maximum
-- (1 000 000 characters) and PostgreSQL's unbounded text; both accept SET DATA TYPE. The copies of the cursor kept
-- with rejects and dead letters widen with it, so the page that carried such a cursor can still reject or dead-letter.
ALTER TABLE feed_cursor ALTER COLUMN cursor_value SET DATA TYPE VARCHAR;
ALTER TABLE rejected_record ALTER COLUMN page_cursor SET DATA TYPE VARCHAR;
ALTER TABLE dead_letter ALTER COLUMN page_cursor SET DATA TYPE VARCHAR;
