-- A page that stays stuck fails on every scheduled run: its open PAGE dead letter is updated (failures, last time,
-- last error) instead of a new row per run. Versioned 3.13 (issue 13) so it orders after V3_1 and does not collide
-- with a V3_x another branch adds. Portable to H2 2.x and PostgreSQL 15 like V1.
ALTER TABLE dead_letter ADD COLUMN failures INT DEFAULT 1 NOT NULL;
ALTER TABLE dead_letter ADD COLUMN last_failed_at TIMESTAMP WITH TIME ZONE;
