//! The tables, written by hand for both backends (`diesel print-schema`
//! differs per backend). UUIDs, JSON and times are TEXT / naive UTC
//! TIMESTAMP because MultiBackend supports nothing richer.

diesel::table! {
    coops (id) {
        id -> Text,
        handle -> Text,
        display_name -> Text,
        about -> Text,
        about_html -> Text,
        website -> Nullable<Text>,
        country -> Nullable<Text>,
        city -> Nullable<Text>,
        languages -> Text,
        sectors -> Text,
        legal_form -> Nullable<Text>,
        member_count -> Nullable<Integer>,
        founded_year -> Nullable<Integer>,
        stage -> Nullable<Text>,
        networks -> Text,
        public_contact -> Text,
        private_contact -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        public_key_pem -> Nullable<Text>,
        private_key_pem -> Nullable<Text>,
        manually_approves_followers -> Bool,
    }
}

diesel::table! {
    node_actor (id) {
        id -> Text,
        public_key_pem -> Text,
        private_key_pem -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        password_hash -> Text,
        role -> Text,
        coop_id -> Nullable<Text>,
        created_at -> Timestamp,
        language -> Nullable<Text>,
        time_zone -> Nullable<Text>,
    }
}

diesel::table! {
    api_tokens (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        kind -> Text,
        agent -> Text,
        last_used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    proposals (id) {
        id -> Text,
        coop_id -> Text,
        kind -> Text,
        category -> Text,
        title -> Text,
        description -> Text,
        description_html -> Text,
        tags -> Text,
        quantity_value -> Nullable<Text>,
        quantity_unit -> Nullable<Text>,
        place -> Nullable<Text>,
        remote -> Bool,
        deadline -> Nullable<Text>,
        status -> Text,
        search_text -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        closed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    proposal_tags (proposal_id, tag) {
        proposal_id -> Text,
        tag -> Text,
    }
}

diesel::table! {
    outgoing_activities (id) {
        id -> Text,
        ap_id -> Text,
        signer -> Text,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    deliveries (id) {
        id -> Text,
        activity_id -> Text,
        inbox -> Text,
        host -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        lease_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    delivery_hosts (host) {
        host -> Text,
        failing_since -> Nullable<Timestamp>,
        last_success_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
    }
}

diesel::table! {
    remote_actors (id) {
        id -> Text,
        ap_id -> Text,
        kind -> Text,
        username -> Text,
        host -> Text,
        display_name -> Text,
        summary_html -> Text,
        url -> Nullable<Text>,
        inbox -> Text,
        shared_inbox -> Nullable<Text>,
        public_key_pem -> Text,
        fetched_at -> Timestamp,
        country -> Nullable<Text>,
        languages -> Text,
        stage -> Nullable<Text>,
    }
}

diesel::table! {
    followers (coop_id, actor_id) {
        coop_id -> Text,
        actor_id -> Text,
        follow_ap_id -> Text,
        accepted -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    following (coop_id, actor_id) {
        coop_id -> Text,
        actor_id -> Text,
        follow_ap_id -> Text,
        accepted -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    remote_proposals (id) {
        id -> Text,
        ap_id -> Text,
        actor_id -> Text,
        kind -> Text,
        category -> Text,
        title -> Text,
        content_html -> Text,
        tags -> Text,
        quantity_value -> Nullable<Text>,
        quantity_unit -> Nullable<Text>,
        place -> Nullable<Text>,
        deadline -> Nullable<Timestamp>,
        url -> Nullable<Text>,
        published_at -> Timestamp,
        updated_at -> Timestamp,
        received_at -> Timestamp,
        remote -> Nullable<Bool>,
        reciprocal -> Nullable<Text>,
    }
}

diesel::table! {
    remote_posts (id) {
        id -> Text,
        ap_id -> Text,
        actor_id -> Text,
        content_html -> Text,
        summary -> Nullable<Text>,
        sensitive -> Bool,
        url -> Nullable<Text>,
        visibility -> Text,
        language -> Nullable<Text>,
        published_at -> Timestamp,
        updated_at -> Timestamp,
        received_at -> Timestamp,
    }
}

diesel::table! {
    received_activities (ap_id) {
        ap_id -> Text,
        received_at -> Timestamp,
    }
}

diesel::table! {
    node_follows (domain) {
        domain -> Text,
        actor_id -> Text,
        follow_ap_id -> Text,
        accepted -> Bool,
        created_at -> Timestamp,
        backfill_state -> Text,
        backfill_next -> Nullable<Text>,
        backfill_items -> BigInt,
        backfill_error -> Nullable<Text>,
        backfill_updated_at -> Nullable<Timestamp>,
        backfill_lease_until -> Nullable<Timestamp>,
        backfill_pages -> BigInt,
        backfill_started_at -> Nullable<Timestamp>,
        backfill_stop -> Nullable<Text>,
    }
}

diesel::table! {
    node_followers (domain) {
        domain -> Text,
        actor_id -> Text,
        follow_ap_id -> Text,
        accepted -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    node_settings (name) {
        name -> Text,
        value -> Text,
    }
}

diesel::table! {
    domain_blocks (domain) {
        domain -> Text,
        severity -> Text,
        public_comment -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    domain_allows (domain) {
        domain -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    admin_actions (id) {
        id -> Text,
        admin -> Text,
        action -> Text,
        target -> Text,
        detail -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    introductions (id) {
        id -> Text,
        ap_id -> Text,
        from_coop_id -> Nullable<Text>,
        from_actor_id -> Nullable<Text>,
        to_coop_id -> Nullable<Text>,
        to_actor_id -> Nullable<Text>,
        proposal_ap_id -> Text,
        proposal_id -> Nullable<Text>,
        proposal_kind -> Text,
        proposal_title -> Text,
        message -> Text,
        state -> Text,
        contacts -> Nullable<Text>,
        created_at -> Timestamp,
        answered_at -> Nullable<Timestamp>,
        gathering_id -> Nullable<Text>,
        from_accepted -> Bool,
        to_accepted -> Bool,
    }
}

diesel::table! {
    oauth_apps (id) {
        id -> Text,
        client_id -> Text,
        client_secret_hash -> Text,
        name -> Text,
        website -> Nullable<Text>,
        redirect_uris -> Text,
        scopes -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    oauth_codes (code_hash) {
        code_hash -> Text,
        app_id -> Text,
        user_id -> Text,
        redirect_uri -> Text,
        scopes -> Text,
        code_challenge -> Nullable<Text>,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    oauth_tokens (token_hash) {
        token_hash -> Text,
        app_id -> Text,
        user_id -> Nullable<Text>,
        scopes -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    account_pictures (coop_id, kind) {
        coop_id -> Text,
        kind -> Text,
        content_type -> Text,
        bytes -> Binary,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    markers (user_id, timeline) {
        user_id -> Text,
        timeline -> Text,
        last_read_id -> Text,
        version -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    notifications (id) {
        id -> Text,
        coop_id -> Text,
        kind -> Text,
        actor_id -> Nullable<Text>,
        subject_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(deliveries -> outgoing_activities (activity_id));
diesel::joinable!(users -> coops (coop_id));
diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(proposals -> coops (coop_id));
diesel::joinable!(proposal_tags -> proposals (proposal_id));
diesel::joinable!(followers -> remote_actors (actor_id));
diesel::joinable!(following -> remote_actors (actor_id));
diesel::joinable!(remote_proposals -> remote_actors (actor_id));
diesel::joinable!(remote_posts -> remote_actors (actor_id));
diesel::joinable!(node_follows -> remote_actors (actor_id));
diesel::joinable!(node_followers -> remote_actors (actor_id));
diesel::joinable!(oauth_tokens -> oauth_apps (app_id));
diesel::joinable!(oauth_codes -> oauth_apps (app_id));
diesel::table! {
    gatherings (id) {
        id -> Text,
        organiser_coop_id -> Nullable<Text>,
        title -> Text,
        description -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        time_zone -> Text,
        call_url -> Nullable<Text>,
        languages -> Text,
        recurrence -> Nullable<Text>,
        contributions_until -> Nullable<Timestamp>,
        facilitators -> Text,
        note_taker_coop_id -> Nullable<Text>,
        registration_open -> Bool,
        notes -> Text,
        notes_published_at -> Nullable<Timestamp>,
        live_round -> Nullable<Text>,
        live_turn -> Nullable<Integer>,
        live_since -> Nullable<Timestamp>,
        turn_seconds -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    gathering_participants (gathering_id, coop_id) {
        gathering_id -> Text,
        coop_id -> Text,
        delegate -> Text,
        joined_at -> Timestamp,
        about -> Text,
        proposals -> Text,
        contributed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    gathering_remote_participants (gathering_id, actor_id) {
        gathering_id -> Text,
        actor_id -> Text,
        join_ap_id -> Text,
        delegate -> Text,
        joined_at -> Timestamp,
        about_html -> Text,
        proposals -> Text,
        contributed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    remote_gatherings (id) {
        id -> Text,
        ap_id -> Text,
        organiser_actor_id -> Text,
        title -> Text,
        content_html -> Text,
        url -> Nullable<Text>,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        time_zone -> Nullable<Text>,
        call_url -> Nullable<Text>,
        notes_html -> Nullable<Text>,
        notes_at -> Nullable<Timestamp>,
        fetched_at -> Timestamp,
    }
}

diesel::table! {
    remote_gathering_joins (remote_gathering_id, coop_id) {
        remote_gathering_id -> Text,
        coop_id -> Text,
        join_ap_id -> Text,
        delegate -> Text,
        state -> Text,
        about -> Text,
        proposals -> Text,
        contributed_at -> Nullable<Timestamp>,
        joined_at -> Timestamp,
    }
}

diesel::table! {
    gathering_synergies (gathering_id, need_id, offer_id) {
        gathering_id -> Text,
        need_id -> Text,
        offer_id -> Text,
        state -> Text,
        introduction_id -> Nullable<Text>,
        decided_by_coop_id -> Nullable<Text>,
        decided_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    coops,
    introductions,
    deleted_coops,
    users,
    api_tokens,
    proposals,
    proposal_tags,
    node_actor,
    outgoing_activities,
    deliveries,
    delivery_hosts,
    remote_actors,
    followers,
    following,
    remote_proposals,
    remote_posts,
    received_activities,
    node_follows,
    node_followers,
    node_settings,
    domain_blocks,
    domain_allows,
    admin_actions,
    oauth_apps,
    oauth_codes,
    oauth_tokens,
    notifications,
    markers,
    account_pictures,
    gatherings,
    gathering_participants,
    gathering_remote_participants,
    gathering_synergies,
    remote_gatherings,
    remote_gathering_joins
);

diesel::table! {
    deleted_coops (handle) {
        handle -> Text,
        public_key_pem -> Text,
        private_key_pem -> Text,
        deleted_at -> Timestamp,
    }
}
