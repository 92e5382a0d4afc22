DROP TABLE allocation_payers;
DROP TABLE allocations;
DROP TABLE item_amounts;
