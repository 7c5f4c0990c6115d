DROP INDEX domain_blocks_severity;
DROP INDEX remote_proposals_title_search;
DROP INDEX proposals_title_search;
