//! The OpenAPI document, generated from the handlers' annotations so it
//! cannot drift from the code. Served at `/api/intercoop/v1/openapi.json`.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{
    admin, auth, coop, coops, directory, follows, gatherings, health, introductions, matches,
    proposals, remote_gatherings,
};

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Intercoop native API", description = "Coops publish their profile, needs and offers. See docs/api.md.", license(name = "AGPL-3.0-only")),
    servers((url = "/api/intercoop/v1")),
    paths(
        auth::login, auth::logout, auth::sessions, auth::revoke_session,
        auth::change_password, auth::set_language, auth::set_time_zone,
        coop::get_own, coop::patch_own,
        coops::get_public,
        proposals::create, proposals::list, proposals::get, proposals::update, proposals::delete,
        follows::follow, follows::list_following, follows::unfollow, follows::list_followers,
        follows::approve, follows::reject, follows::remote_proposals,
        directory::proposals, directory::coops,
        matches::for_proposal, matches::for_coop, matches::get_settings, matches::put_settings,
        matches::circles, matches::notifications, matches::mark_read,
        introductions::create, introductions::list, introductions::get,
        introductions::accept, introductions::decline,
        gatherings::create, gatherings::list, gatherings::get, gatherings::join,
        gatherings::leave, gatherings::registration, gatherings::contribute,
        gatherings::board, gatherings::decide, gatherings::write_notes, gatherings::read_notes,
        gatherings::live, gatherings::create_for_node,
        remote_gatherings::join, remote_gatherings::list, remote_gatherings::get,
        remote_gatherings::contribute, remote_gatherings::leave,
        admin::nodes::list_nodes, admin::nodes::follow_node, admin::nodes::unfollow_node,
        admin::nodes::approve_node, admin::nodes::remove_follower_node,
        admin::policy::get_policy, admin::policy::put_policy,
        admin::settings::get_settings, admin::settings::put_settings,
        admin::policy::list_blocks, admin::policy::add_block, admin::policy::remove_block,
        admin::policy::export_blocks, admin::policy::import_blocks,
        admin::policy::list_allows, admin::policy::add_allow, admin::policy::remove_allow,
        admin::actions::actions, admin::coops::delete_coop,
        health::health,
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Signing in"),
        (name = "coop", description = "The signed-in coop"),
        (name = "coops", description = "Coops on this node"),
        (name = "proposals", description = "Needs and offers"),
        (name = "follows", description = "Following coops on other servers, and their followers"),
        (name = "directory", description = "Every coop and open proposal this node knows, local and federated"),
        (name = "matches", description = "Needs and offers that answer the signed-in coop's, with scores and reasons"),
        (name = "introductions", description = "Asking to be introduced to the coop behind a need or offer; accepting shares both coops' private contact details"),
        (name = "gatherings", description = "The monthly inter-coop call: planning it, registering coops with their delegates; public to read, and as iCalendar at /gatherings/{id}/calendar.ics"),
        (name = "admin", description = "Node administration: local coops, other nodes, the federation policy (mode, blocks, allows, block lists), the record of admin actions"),
        (name = "node", description = "The node itself"),
    )
)]
pub struct ApiDoc;

pub async fn serve() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
