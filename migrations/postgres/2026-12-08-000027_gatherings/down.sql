DROP TABLE gathering_participants;
DROP TABLE gatherings;
