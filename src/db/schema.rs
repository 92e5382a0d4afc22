//! The one schema both backends share. Written by hand rather than by `diesel print-schema`, which
//! would print different types per backend: ids are `BigInt` (SQLite's INTEGER is 64-bit), times are
//! UTC `Timestamp`, enumerations are `Text`.

diesel::table! {
    access_groups (id) {
        id -> BigInt,
        name -> Text,
        external_id -> Nullable<Text>,
        tier -> Text,
        parent_id -> Nullable<BigInt>,
        description -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        manages_subtree -> Bool,
    }
}

diesel::table! {
    access_group_ancestors (group_id, ancestor_id) {
        group_id -> BigInt,
        ancestor_id -> BigInt,
        depth -> Integer,
    }
}

diesel::table! {
    committees (id) {
        id -> BigInt,
        name -> Text,
        kind -> Text,
        owner_group_id -> BigInt,
        publication -> Text,
        description -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        requires_sign_off -> Bool,
        numbering -> Text,
    }
}

diesel::table! {
    committee_grants (id) {
        id -> BigInt,
        committee_id -> BigInt,
        group_id -> BigInt,
        role -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    meetings (id) {
        id -> BigInt,
        committee_id -> BigInt,
        title -> Text,
        starts_at -> Timestamp,
        ends_at -> Nullable<Timestamp>,
        location -> Nullable<Text>,
        online_link -> Nullable<Text>,
        status -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        cancellation_reason -> Nullable<Text>,
        open_version -> BigInt,
        open_updated_at -> Timestamp,
        extraordinary -> Bool,
    }
}

diesel::table! {
    meeting_participants (id) {
        id -> BigInt,
        meeting_id -> BigInt,
        name -> Text,
        user_subject -> Nullable<Text>,
        role -> Text,
        attendance -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        approver -> Bool,
        party -> Nullable<Text>,
        substitute_for -> Nullable<BigInt>,
        roster_member_id -> Nullable<BigInt>,
        arrived_at_item -> Nullable<BigInt>,
        left_after_item -> Nullable<BigInt>,
    }
}

diesel::table! {
    agenda_items (id) {
        id -> BigInt,
        meeting_id -> BigInt,
        position -> Integer,
        title -> Text,
        closed -> Bool,
        case_number -> Nullable<Text>,
        journal_number -> Nullable<Text>,
        document_number -> Nullable<Text>,
        case_type -> Nullable<Text>,
        summary -> Nullable<Text>,
        recommendation -> Nullable<Text>,
        handled_by -> Nullable<Text>,
        presentation -> Nullable<Text>,
        financial_consequences -> Nullable<Text>,
        decision_outcome -> Nullable<Text>,
        decision_text -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
        quorum_override -> Nullable<Text>,
        number -> Nullable<Integer>,
        legal_basis -> Nullable<Text>,
        closed_grounds -> Nullable<Text>,
        title_withheld -> Bool,
        public_decision_text -> Nullable<Text>,
        public_decision_from -> Nullable<Date>,
        section -> Nullable<Text>,
    }
}

diesel::table! {
    case_routes (case_number) {
        case_number -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    case_route_steps (id) {
        id -> BigInt,
        case_number -> Text,
        position -> Integer,
        committee_id -> BigInt,
        reading -> Nullable<Integer>,
        decides -> Bool,
    }
}

diesel::table! {
    committee_members (id) {
        id -> BigInt,
        committee_id -> BigInt,
        name -> Text,
        party -> Nullable<Text>,
        user_subject -> Nullable<Text>,
        from_date -> Date,
        to_date -> Nullable<Date>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    item_referrals (id) {
        id -> BigInt,
        item_id -> BigInt,
        participant_id -> BigInt,
        note -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        subject -> Text,
        name -> Nullable<Text>,
        email -> Nullable<Text>,
        groups_seen -> Text,
        active -> Bool,
        deactivated_at -> Nullable<Timestamp>,
        deactivation_reason -> Nullable<Text>,
        first_seen_at -> Timestamp,
        last_seen_at -> Timestamp,
        version -> BigInt,
        updated_at -> Timestamp,
        roles_seen -> Text,
    }
}

diesel::table! {
    group_members (id) {
        id -> BigInt,
        group_id -> BigInt,
        subject -> Text,
        added_by -> Text,
        version -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    kind_grants (id) {
        id -> BigInt,
        committee_kind -> Text,
        group_id -> BigInt,
        role -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    item_exclusions (id) {
        id -> BigInt,
        item_id -> BigInt,
        subject -> Nullable<Text>,
        reason -> Nullable<Text>,
        created_by -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        participant_id -> Nullable<BigInt>,
        raised_by -> Nullable<Text>,
        ruling -> Nullable<Text>,
        left_room -> Nullable<Bool>,
        substitute_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    service_clients (id) {
        id -> BigInt,
        client_id -> Text,
        name -> Text,
        secret_hash -> Text,
        roles -> Text,
        group_id -> Nullable<BigInt>,
        enabled -> Bool,
        secret_rotated_at -> Timestamp,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    idempotency_keys (subject, request_key) {
        subject -> Text,
        request_key -> Text,
        fingerprint -> Text,
        status -> Nullable<Integer>,
        headers -> Nullable<Text>,
        body -> Nullable<Binary>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    audit_events (id) {
        id -> BigInt,
        occurred_at -> Timestamp,
        actor -> Text,
        actor_kind -> Text,
        action -> Text,
        object_type -> Text,
        object_id -> Nullable<Text>,
        committee_id -> Nullable<BigInt>,
        closed -> Bool,
        old_value -> Nullable<Text>,
        new_value -> Nullable<Text>,
        request_id -> Nullable<Text>,
        seq -> Nullable<BigInt>,
        prev_hash -> Nullable<Text>,
        hash -> Nullable<Text>,
    }
}

diesel::table! {
    audit_anchor (id) {
        id -> Integer,
        seq -> BigInt,
        hash -> Text,
    }
}

diesel::table! {
    published_documents (id) {
        id -> BigInt,
        meeting_id -> BigInt,
        kind -> Text,
        number -> Integer,
        reason -> Nullable<Text>,
        meeting_version -> BigInt,
        published_at -> Timestamp,
        published_by -> Text,
        title -> Text,
        starts_at -> Timestamp,
        ends_at -> Nullable<Timestamp>,
        location -> Nullable<Text>,
        content -> Text,
        open_meeting_version -> BigInt,
    }
}

diesel::table! {
    sign_offs (id) {
        id -> BigInt,
        meeting_id -> BigInt,
        participant_id -> BigInt,
        subject -> Text,
        meeting_version -> BigInt,
        signed_at -> Timestamp,
        version -> BigInt,
        open_meeting_version -> BigInt,
    }
}

diesel::table! {
    item_attendance (id) {
        id -> BigInt,
        item_id -> BigInt,
        kind -> Text,
        participant_id -> Nullable<BigInt>,
        name -> Nullable<Text>,
        note -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    item_votes (id) {
        id -> BigInt,
        item_id -> BigInt,
        position -> Integer,
        subject -> Text,
        motion -> Text,
        method -> Text,
        positions -> Text,
        result -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    item_dissents (id) {
        id -> BigInt,
        item_id -> BigInt,
        vote_id -> BigInt,
        participant_id -> BigInt,
        text -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    standing_items (id) {
        id -> BigInt,
        committee_id -> BigInt,
        position -> Integer,
        title -> Text,
        closed -> Bool,
        case_type -> Nullable<Text>,
        summary -> Nullable<Text>,
        recommendation -> Nullable<Text>,
        handled_by -> Nullable<Text>,
        presentation -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        legal_basis -> Nullable<Text>,
        closed_grounds -> Nullable<Text>,
        section -> Nullable<Text>,
    }
}

diesel::table! {
    attachments (id) {
        id -> BigInt,
        meeting_id -> BigInt,
        item_id -> Nullable<BigInt>,
        title -> Text,
        filename -> Text,
        content_type -> Text,
        size -> BigInt,
        sha256 -> Text,
        published -> Bool,
        removed_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        created_by -> Text,
        closed -> Bool,
    }
}

diesel::table! {
    attachment_contents (attachment_id) {
        attachment_id -> BigInt,
        content -> Binary,
    }
}

diesel::table! {
    calendar_feeds (id) {
        id -> BigInt,
        subject -> Text,
        name -> Nullable<Text>,
        token_hash -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        version -> BigInt,
    }
}

diesel::table! {
    item_amounts (id) {
        id -> BigInt,
        item_id -> BigInt,
        label -> Text,
        kind -> Text,
        recurrence -> Text,
        amount_ore -> BigInt,
        price_year -> Nullable<Integer>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    allocations (id) {
        id -> BigInt,
        title -> Text,
        description -> Nullable<Text>,
        total_ore -> BigInt,
        currency -> Text,
        kind -> Text,
        first_year -> Integer,
        last_year -> Nullable<Integer>,
        price_year -> Nullable<Integer>,
        item_id -> Nullable<BigInt>,
        item_amount_id -> Nullable<BigInt>,
        status -> Text,
        method -> Text,
        counted_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    allocation_payers (allocation_id, group_id) {
        allocation_id -> BigInt,
        group_id -> BigInt,
        weight -> Nullable<BigInt>,
        amount_ore -> Nullable<BigInt>,
        active_users -> Nullable<BigInt>,
        share_ore -> BigInt,
    }
}

diesel::table! {
    changes (id) {
        id -> BigInt,
        occurred_at -> Timestamp,
        resource -> Text,
        resource_id -> BigInt,
        committee_id -> Nullable<BigInt>,
        meeting_id -> Nullable<BigInt>,
        item_id -> Nullable<BigInt>,
        action -> Text,
        event -> Text,
        closed -> Bool,
        open_change -> Bool,
    }
}

diesel::joinable!(committees -> access_groups (owner_group_id));
diesel::joinable!(group_members -> access_groups (group_id));
diesel::joinable!(kind_grants -> access_groups (group_id));
diesel::joinable!(item_exclusions -> agenda_items (item_id));
diesel::joinable!(committee_grants -> committees (committee_id));
diesel::joinable!(meetings -> committees (committee_id));
diesel::joinable!(meeting_participants -> meetings (meeting_id));
diesel::joinable!(agenda_items -> meetings (meeting_id));
diesel::joinable!(item_votes -> agenda_items (item_id));
diesel::joinable!(item_referrals -> agenda_items (item_id));
diesel::joinable!(committee_members -> committees (committee_id));
diesel::joinable!(case_route_steps -> committees (committee_id));
diesel::joinable!(case_route_steps -> case_routes (case_number));
diesel::joinable!(item_dissents -> item_votes (vote_id));
diesel::joinable!(item_dissents -> agenda_items (item_id));
diesel::joinable!(published_documents -> meetings (meeting_id));
diesel::joinable!(sign_offs -> meeting_participants (participant_id));
diesel::joinable!(item_attendance -> agenda_items (item_id));
diesel::joinable!(standing_items -> committees (committee_id));
diesel::joinable!(attachment_contents -> attachments (attachment_id));
diesel::joinable!(item_amounts -> agenda_items (item_id));
diesel::joinable!(allocations -> agenda_items (item_id));
diesel::joinable!(allocation_payers -> allocations (allocation_id));
diesel::joinable!(allocation_payers -> access_groups (group_id));
diesel::joinable!(webhook_deliveries -> webhook_subscriptions (subscription_id));

diesel::table! {
    webhook_subscriptions (id) {
        id -> BigInt,
        owner_subject -> Text,
        owner_is_client -> Bool,
        url -> Text,
        events -> Text,
        description -> Nullable<Text>,
        secret -> Text,
        enabled -> Bool,
        disabled_reason -> Nullable<Text>,
        last_change_id -> BigInt,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> BigInt,
        subscription_id -> BigInt,
        change_id -> BigInt,
        event -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Nullable<Timestamp>,
        leased_until -> Nullable<Timestamp>,
        last_attempt_at -> Nullable<Timestamp>,
        last_status -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        delivered_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    access_groups,
    allocations,
    allocation_payers,
    item_amounts,
    access_group_ancestors,
    committees,
    committee_grants,
    meetings,
    meeting_participants,
    agenda_items,
    users,
    group_members,
    kind_grants,
    item_exclusions,
    service_clients,
    idempotency_keys,
    audit_events,
    audit_anchor,
    published_documents,
    sign_offs,
    item_attendance,
    item_votes,
    item_dissents,
    item_referrals,
    committee_members,
    case_routes,
    case_route_steps,
    standing_items,
    attachments,
    attachment_contents,
    calendar_feeds,
    changes,
    webhook_subscriptions,
    webhook_deliveries,
);
