-- Work that every node could do but one node at a time must (issue 14): each outbox lane's passes and the orphan
-- sweep. A node holds a lease by name until expires_at and renews it with every pass; a lease a dead node held
-- expires and another node takes it. Only on PostgreSQL: embedded H2 is one node.
CREATE TABLE lease (
    name       VARCHAR(200)             NOT NULL PRIMARY KEY,
    node       VARCHAR(100)             NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL
);
