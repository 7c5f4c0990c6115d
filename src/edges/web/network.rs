//! The network map on the landing page, drawn on the server as SVG: each
//! node a disc of its coops, lines for follows, strong matches and
//! accepted introductions. Hovering or focusing a coop shows its name and
//! brings its ties forward, with CSS alone (each coop's link holds `<use>`
//! copies of its ties, shown on `:hover`/`:focus`). A table of the same
//! data follows for screen readers and for reading.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use askama::Template;

use crate::domain::network_map::layout;
use crate::edges::http::i18n::Tr;
use crate::edges::http::lang::Lang;
use crate::services::network::{NetworkMap, TieKind};

#[derive(Template)]
#[template(path = "web/map.html")]
struct MapSection<'a> {
    tr: &'a Tr,
    map: MapView,
}

/// Maps rendered lately, by map and language: the same map is drawn for
/// every visitor until the next is built, so it is rendered once per
/// language. Holding the map keeps its address from being reused.
type Rendered = Vec<(Arc<NetworkMap>, Lang, Arc<str>)>;
static RENDERED: Mutex<Rendered> = Mutex::new(Vec::new());
/// Enough for both languages of the current map and of the one before
/// (and of a few nodes in one process, as tests run them).
const KEPT: usize = 8;

/// The map's section of the landing page, as HTML.
pub fn section(map: &Arc<NetworkMap>, tr: &Tr) -> Arc<str> {
    let found = RENDERED.lock().ok().and_then(|kept| {
        kept.iter()
            .find(|(m, lang, _)| Arc::ptr_eq(m, map) && *lang == tr.lang)
            .map(|(_, _, html)| Arc::clone(html))
    });
    if let Some(html) = found {
        return html;
    }
    let html: Arc<str> = match (MapSection {
        tr,
        map: MapView::of(map, tr),
    })
    .render()
    {
        Ok(text) => text.into(),
        Err(e) => {
            tracing::error!(error = %e, "the network map failed to render");
            Arc::from("")
        }
    };
    if let Ok(mut kept) = RENDERED.lock() {
        if kept.len() >= KEPT {
            kept.remove(0);
        }
        kept.push((Arc::clone(map), tr.lang, Arc::clone(&html)));
    }
    html
}

/// A number for an SVG attribute: one decimal is finer than a pixel.
fn n(v: f32) -> String {
    format!("{v:.1}")
}

pub struct DiscView {
    pub cx: String,
    pub cy: String,
    pub r: String,
    /// Where the node's name goes: above its disc.
    pub label_y: String,
    pub domain: String,
    pub local: bool,
}

pub struct LineView {
    pub id: String,
    pub x1: String,
    pub y1: String,
    pub x2: String,
    pub y2: String,
    /// `follow`, `match` or `introduction` (a CSS class).
    pub kind: &'static str,
}

pub struct CoopDot {
    pub x: String,
    pub y: String,
    pub label_y: String,
    pub name: String,
    pub href: String,
    /// What a screen reader says for the link.
    pub label: String,
    /// The ids of its ties' lines.
    pub ties: Vec<String>,
}

/// A row of the table view: a tie in words.
pub struct TieRow {
    pub a: String,
    pub a_node: String,
    pub b: String,
    pub b_node: String,
    pub kind: String,
}

pub struct MapView {
    pub width: String,
    pub height: String,
    pub discs: Vec<DiscView>,
    pub lines: Vec<LineView>,
    pub coops: Vec<CoopDot>,
    pub rows: Vec<TieRow>,
    /// (node, how many coops) for the table view.
    pub counts: Vec<(String, usize)>,
    pub cut: bool,
}

fn kind_class(kind: TieKind) -> &'static str {
    match kind {
        TieKind::Follow => "follow",
        TieKind::Match => "match",
        TieKind::Introduction => "introduction",
    }
}

impl MapView {
    pub fn of(map: &NetworkMap, tr: &Tr) -> MapView {
        let sizes: Vec<usize> = map.nodes.iter().map(|node| node.coops.len()).collect();
        let drawn = layout(&sizes);
        // Each coop's place, name and node, by key.
        let mut at: HashMap<&str, (f32, f32, &str, &str)> = HashMap::new();
        for (node, disc) in map.nodes.iter().zip(&drawn.discs) {
            for (coop, p) in node.coops.iter().zip(&disc.points) {
                at.insert(&coop.key, (p.x, p.y, &coop.name, &node.domain));
            }
        }
        let mut ties_of: HashMap<&str, Vec<String>> = HashMap::new();
        let mut lines = Vec::new();
        let mut rows = Vec::new();
        for (i, tie) in map.ties.iter().enumerate() {
            let (Some(a), Some(b)) = (at.get(tie.a.as_str()), at.get(tie.b.as_str())) else {
                continue;
            };
            let id = format!("t{i}");
            ties_of.entry(&tie.a).or_default().push(id.clone());
            ties_of.entry(&tie.b).or_default().push(id.clone());
            let kind = kind_class(tie.kind);
            lines.push(LineView {
                id,
                x1: n(a.0),
                y1: n(a.1),
                x2: n(b.0),
                y2: n(b.1),
                kind,
            });
            rows.push(TieRow {
                a: a.2.to_string(),
                a_node: a.3.to_string(),
                b: b.2.to_string(),
                b_node: b.3.to_string(),
                kind: tr.t(&format!("map-tie-{kind}")),
            });
        }
        let mut coops = Vec::new();
        for (node, disc) in map.nodes.iter().zip(&drawn.discs) {
            for (coop, p) in node.coops.iter().zip(&disc.points) {
                let ties = ties_of.remove(coop.key.as_str()).unwrap_or_default();
                coops.push(CoopDot {
                    x: n(p.x),
                    y: n(p.y),
                    label_y: n(p.y - 8.0),
                    label: tr.args(
                        "map-coop",
                        &[
                            ("name", coop.name.as_str()),
                            ("node", node.domain.as_str()),
                            ("ties", ties.len().to_string().as_str()),
                        ],
                    ),
                    name: coop.name.clone(),
                    href: coop.href.clone(),
                    ties,
                });
            }
        }
        MapView {
            width: n(drawn.width),
            height: n(drawn.height),
            discs: map
                .nodes
                .iter()
                .zip(&drawn.discs)
                .map(|(node, d)| DiscView {
                    cx: n(d.centre.x),
                    cy: n(d.centre.y),
                    r: n(d.radius),
                    label_y: n(d.centre.y - d.radius - 8.0),
                    domain: node.domain.clone(),
                    local: node.local,
                })
                .collect(),
            lines,
            coops,
            rows,
            counts: map
                .nodes
                .iter()
                .map(|node| (node.domain.clone(), node.coops.len()))
                .collect(),
            cut: map.cut,
        }
    }
}
