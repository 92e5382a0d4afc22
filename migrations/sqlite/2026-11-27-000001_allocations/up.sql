-- Cost allocations: structured financial consequences of agenda items, and common costs split across
-- the units that pay them, with the computed shares stored beside the payers.

CREATE TABLE item_amounts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id     INTEGER NOT NULL REFERENCES agenda_items (id) ON DELETE CASCADE,
    label       TEXT    NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('expense', 'income', 'saving', 'repayment_claim')),
    recurrence  TEXT    NOT NULL CHECK (recurrence IN ('one_off', 'annual')),
    amount_ore  INTEGER NOT NULL CHECK (amount_ore >= 0),
    price_year  INTEGER,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
CREATE INDEX item_amounts_item_idx ON item_amounts (item_id, id);

-- An item with allocations cannot be deleted (no ON DELETE): an allocation of a closed item must not
-- silently become an unlinked, open one.
CREATE TABLE allocations (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    title          TEXT    NOT NULL,
    description    TEXT,
    total_ore      INTEGER NOT NULL CHECK (total_ore >= 0),
    currency       TEXT    NOT NULL CHECK (currency IN ('DKK')),
    kind           TEXT    NOT NULL CHECK (kind IN ('one_off', 'annual')),
    first_year     INTEGER NOT NULL,
    last_year      INTEGER,
    price_year     INTEGER,
    item_id        INTEGER REFERENCES agenda_items (id),
    item_amount_id INTEGER REFERENCES item_amounts (id) ON DELETE SET NULL,
    status         TEXT    NOT NULL CHECK (status IN ('proposed', 'approved', 'ended')),
    method         TEXT    NOT NULL CHECK (method IN ('equal', 'weighted', 'fixed', 'by_active_users')),
    -- When the active users behind a `by_active_users` split were counted.
    counted_at     TEXT,
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    CHECK (last_year IS NULL OR last_year >= first_year)
);
CREATE INDEX allocations_item_idx ON allocations (item_id);

-- A paying unit, what the method needs of it, and its computed share.
CREATE TABLE allocation_payers (
    allocation_id INTEGER NOT NULL REFERENCES allocations (id) ON DELETE CASCADE,
    group_id      INTEGER NOT NULL REFERENCES access_groups (id),
    weight        INTEGER,
    amount_ore    INTEGER,
    active_users  INTEGER,
    share_ore     INTEGER NOT NULL,
    PRIMARY KEY (allocation_id, group_id)
);
CREATE INDEX allocation_payers_group_idx ON allocation_payers (group_id, allocation_id);
