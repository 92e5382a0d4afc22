DROP TABLE agenda_items;
DROP TABLE meeting_participants;
DROP TABLE meetings;
DROP TABLE committee_grants;
DROP TABLE committees;
DROP TABLE access_group_ancestors;
DROP TABLE access_groups;
