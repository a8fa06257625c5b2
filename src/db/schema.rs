//! Table definitions shared by both backends. Each migration pair is written so that
//! these types hold on PostgreSQL and on SQLite. Backend-only columns (PostgreSQL's
//! `search` tsvector, SQLite's `seq` rowid alias for FTS5) are left out on purpose:
//! diesel never reads or writes them.

diesel::table! {
    articles (id) {
        id -> Text,
        slug -> Text,
        title -> Text,
        summary -> Nullable<Text>,
        body -> Text,
        byline -> Nullable<Text>,
        status -> Text,
        published_at -> Nullable<Timestamp>,
        section -> Nullable<Text>,
        tags -> Text,
        language -> Text,
        source_name -> Nullable<Text>,
        source_url -> Nullable<Text>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        announced_public -> Bool,
        /// The lead image as JSON (`domain::lead_image::LeadImage::to_stored`).
        image -> Nullable<Text>,
        /// The article's place in the sitemap archive, given the first time it is
        /// announced as public and kept (`db::changes`); NULL before.
        publication_seq -> Nullable<BigInt>,
    }
}

diesel::table! {
    article_tags (article_id, tag_key) {
        article_id -> Text,
        tag_key -> Text,
        /// The article's, repeated for the tag pages' index.
        status -> Text,
        /// The article's, repeated for the tag pages' index.
        published_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(article_tags -> articles (article_id));
diesel::allow_tables_to_appear_in_same_query!(articles, article_tags);

diesel::table! {
    quotes (id) {
        id -> Text,
        article_id -> Text,
        text -> Text,
        speaker_name -> Text,
        speaker_key -> Text,
        speaker_title -> Nullable<Text>,
        context -> Nullable<Text>,
        position -> Integer,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    related_links (id) {
        id -> Text,
        article_id -> Text,
        target_article_id -> Nullable<Text>,
        url -> Nullable<Text>,
        title -> Nullable<Text>,
        relation -> Text,
        position -> Integer,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(quotes -> articles (article_id));
diesel::allow_tables_to_appear_in_same_query!(articles, quotes, related_links);

diesel::table! {
    idempotency_keys (client, idempotency_key) {
        client -> Text,
        idempotency_key -> Text,
        method -> Text,
        path -> Text,
        fingerprint -> Nullable<Text>,
        response_status -> Nullable<Integer>,
        response_headers -> Nullable<Text>,
        response_body -> Nullable<Binary>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Text,
        name -> Text,
        token_hash -> Text,
        scopes -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        expires_at -> Nullable<Timestamp>,
        revoked -> Bool,
    }
}

diesel::table! {
    changes (seq) {
        seq -> BigInt,
        #[sql_name = "type"]
        change_type -> Text,
        occurred_at -> Timestamp,
        article_id -> Text,
        resource_kind -> Text,
        resource_id -> Text,
        version -> Integer,
        data -> Nullable<Text>,
        purge_tags -> Text,
    }
}

diesel::table! {
    change_log_state (id) {
        id -> Integer,
        pruned_through -> BigInt,
    }
}

diesel::table! {
    nats_publisher (stream) {
        stream -> Text,
        published_through -> BigInt,
    }
}

diesel::table! {
    webhooks (id) {
        id -> Text,
        url -> Text,
        /// The event patterns, a JSON array of strings.
        events -> Text,
        description -> Nullable<Text>,
        secret -> Text,
        previous_secret -> Nullable<Text>,
        previous_secret_expires_at -> Nullable<Timestamp>,
        enabled -> Bool,
        disabled_reason -> Nullable<Text>,
        failures_in_a_row -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_fanout (id) {
        id -> Integer,
        last_seq -> BigInt,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        webhook_id -> Text,
        change_seq -> BigInt,
        event_type -> Text,
        article_id -> Nullable<Text>,
        payload -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_attempts (id) {
        id -> Text,
        delivery_id -> Text,
        attempted_at -> Timestamp,
        response_status -> Nullable<Integer>,
        error -> Nullable<Text>,
        latency_ms -> BigInt,
        next_retry_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(webhook_deliveries -> webhooks (webhook_id));
diesel::joinable!(webhook_attempts -> webhook_deliveries (delivery_id));
diesel::allow_tables_to_appear_in_same_query!(webhooks, webhook_deliveries, webhook_attempts);

diesel::table! {
    revisions (article_id, revision) {
        article_id -> Text,
        revision -> Integer,
        recorded_at -> Timestamp,
        change -> Text,
        token_id -> Nullable<Text>,
        token_name -> Nullable<Text>,
        version -> Integer,
        restored_from -> Nullable<Integer>,
        snapshot -> Nullable<Text>,
        delta -> Nullable<Text>,
    }
}

diesel::table! {
    /// What each public article contributes to the kept counts, as last counted.
    counted_articles (article_id) {
        article_id -> Text,
        section -> Nullable<Text>,
        tags -> Text,
    }
}

diesel::table! {
    section_counts (section) {
        section -> Text,
        section_key -> Text,
        article_count -> BigInt,
    }
}

diesel::table! {
    tag_counts (tag_key) {
        tag_key -> Text,
        tag -> Text,
        article_count -> BigInt,
    }
}

diesel::allow_tables_to_appear_in_same_query!(articles, counted_articles);
