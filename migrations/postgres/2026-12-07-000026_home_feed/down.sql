DROP TRIGGER home_feed_following ON following;
DROP FUNCTION home_feed_follow();
DROP TRIGGER home_feed_remote_posts ON remote_posts;
DROP TRIGGER home_feed_remote_proposals ON remote_proposals;
DROP FUNCTION home_feed_entry();
DROP TABLE home_feed;
