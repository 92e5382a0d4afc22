-- A case's route (sagens gang): the bodies that treat it in order, with the reading where a body
-- treats it more than once (1. / 2. behandling), and the one that decides it ("Sagen afgøres i").
CREATE TABLE case_routes (
    case_number TEXT      PRIMARY KEY,
    version     INTEGER   NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE TABLE case_route_steps (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    case_number  TEXT    NOT NULL REFERENCES case_routes (case_number) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    committee_id INTEGER NOT NULL REFERENCES committees (id) ON DELETE CASCADE,
    reading      INTEGER CHECK (reading BETWEEN 1 AND 9),
    decides      BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (case_number, position)
);
CREATE INDEX case_route_steps_committee ON case_route_steps (committee_id);
