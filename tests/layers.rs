//! The layers hold: every `crate::` (and `super::`) path in `src/` is read
//! with a Rust parser, and an import from a lower layer into a higher one,
//! or from one edge into another, fails here. The table below is the rule;
//! docs/architecture.md draws it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use proc_macro2::{TokenStream, TokenTree};
use syn::visit::Visit;

/// Each part of the crate and the parts it may use besides itself (and its
/// own children). Parts are matched by their longest module-path prefix.
const ALLOWED: &[(&str, &[&str])] = &[
    // The composition root builds everything.
    (
        "app",
        &[
            "edges",
            "edges::http",
            "edges::api",
            "edges::activitypub",
            "edges::mastodon",
            "edges::web",
            "edges::cli",
            "services",
            "infra",
            "infra::config",
            "infra::store",
            "infra::wire",
            "infra::delivery",
            "infra::outbound",
            "infra::matching",
            "domain",
        ],
    ),
    // Edges: siblings over one shared HTTP module; none reaches the store
    // or the delivery queue except through the services.
    (
        "edges",
        &[
            "edges::http",
            "edges::api",
            "edges::activitypub",
            "edges::mastodon",
            "edges::web",
            "edges::cli",
        ],
    ),
    ("edges::http", &["services", "infra::config", "domain"]),
    (
        "edges::api",
        &[
            "edges::http",
            "services",
            "infra::config",
            "infra::matching",
            "domain",
        ],
    ),
    (
        "edges::activitypub",
        &[
            "edges::http",
            "services",
            "infra::config",
            "infra::wire",
            "infra::outbound",
            "domain",
        ],
    ),
    (
        "edges::mastodon",
        &["edges::http", "services", "infra::config", "domain"],
    ),
    (
        "edges::web",
        &["edges::http", "services", "infra::config", "domain"],
    ),
    ("edges::cli", &["services", "infra::config", "domain"]),
    // Services: the domain operations, over everything underneath.
    (
        "services",
        &[
            "infra::config",
            "infra::store",
            "infra::wire",
            "infra::delivery",
            "infra::outbound",
            "infra::matching",
            "domain",
        ],
    ),
    // Underneath: each part knows only what it needs.
    (
        "infra",
        &[
            "infra::config",
            "infra::store",
            "infra::wire",
            "infra::delivery",
            "infra::outbound",
            "infra::matching",
        ],
    ),
    ("infra::config", &["infra::store", "domain"]),
    ("infra::store", &["domain"]),
    ("infra::wire", &["domain"]),
    ("infra::matching", &["domain"]),
    ("infra::outbound", &["infra::config", "domain"]),
    (
        "infra::delivery",
        &["infra::config", "infra::outbound", "infra::store", "domain"],
    ),
    // The bottom: plain types and rules.
    ("domain", &[]),
];

/// Libraries a part may not name, whatever it imports: the services never
/// see HTTP, SQL or the federation library; rows stay in the store.
const FORBIDDEN_CRATES: &[(&str, &[&str])] = &[
    (
        "domain",
        &[
            "diesel",
            "axum",
            "reqwest",
            "reqwest_middleware",
            "activitypub_federation",
            "tokio",
        ],
    ),
    (
        "services",
        &[
            "diesel",
            "axum",
            "reqwest",
            "reqwest_middleware",
            "activitypub_federation",
        ],
    ),
    (
        "infra::wire",
        &["diesel", "axum", "reqwest", "activitypub_federation"],
    ),
    (
        "infra::matching",
        &[
            "diesel",
            "axum",
            "reqwest",
            "activitypub_federation",
            "tokio",
        ],
    ),
    (
        "infra::store",
        &["axum", "reqwest", "activitypub_federation"],
    ),
    ("edges::http", &["diesel"]),
    ("edges::api", &["diesel", "activitypub_federation"]),
    ("edges::mastodon", &["diesel", "activitypub_federation"]),
    ("edges::activitypub", &["diesel"]),
    ("edges::cli", &["diesel", "axum", "activitypub_federation"]),
];

fn forbidden_crate(part: &str, name: &str) -> bool {
    FORBIDDEN_CRATES
        .iter()
        .any(|(p, crates)| part == *p && crates.contains(&name))
}

/// The part a module path belongs to (`None`: the crate root).
fn part_of(path: &[String]) -> Option<&'static str> {
    let joined = path.join("::");
    ALLOWED
        .iter()
        .map(|(part, _)| *part)
        .filter(|part| joined == *part || joined.starts_with(&format!("{part}::")))
        .max_by_key(|part| part.len())
}

fn allowed(from: &str, to: &str) -> bool {
    from == to
        || ALLOWED
            .iter()
            .any(|(part, may)| *part == from && may.contains(&to))
}

/// A file's module path: `src/a/b.rs` and `src/a/b/mod.rs` are `a::b`.
fn module_of(file: &Path, src: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// Every `crate::`, `super::` or `self::` path of a file, made absolute.
struct Paths {
    /// The module being read (a file's, plus inline `mod x { }` blocks).
    module: Vec<String>,
    found: Vec<(Vec<String>, usize)>,
    /// Other crates named (`diesel::...`), with the line.
    crates: Vec<(String, usize)>,
}

impl Paths {
    fn absolute(&self, segments: &[String]) -> Option<Vec<String>> {
        let first = segments.first()?;
        let mut base: Vec<String> = match first.as_str() {
            "crate" => Vec::new(),
            "self" | "super" => self.module.clone(),
            _ => return None,
        };
        let mut rest = if first == "crate" || first == "self" {
            &segments[1..]
        } else {
            segments
        };
        while rest.first().map(String::as_str) == Some("super") {
            base.pop();
            rest = &rest[1..];
        }
        base.extend(rest.iter().filter(|s| *s != "self").cloned());
        Some(base)
    }

    fn add(&mut self, segments: Vec<String>, line: usize) {
        if let Some(abs) = self.absolute(&segments) {
            self.found.push((abs, line));
        } else if segments.len() > 1 {
            if let Some(first) = segments.first() {
                self.crates.push((first.clone(), line));
            }
        }
    }

    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree, line: usize) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree, line);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let mut full = prefix.clone();
                full.push(n.ident.to_string());
                self.add(full, line);
            }
            syn::UseTree::Rename(r) => {
                let mut full = prefix.clone();
                full.push(r.ident.to_string());
                self.add(full, line);
            }
            syn::UseTree::Glob(_) => self.add(prefix.clone(), line),
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.use_tree(prefix, t, line);
                }
            }
        }
    }

    /// Paths inside macro calls (`format!`, `tracing::info!` ...), which
    /// the parser leaves as tokens.
    fn tokens(&mut self, tokens: TokenStream) {
        let flat: Vec<TokenTree> = tokens.into_iter().collect();
        let mut i = 0;
        while i < flat.len() {
            match &flat[i] {
                TokenTree::Group(g) => self.tokens(g.stream()),
                TokenTree::Ident(id) if matches!(id.to_string().as_str(), "crate" | "super") => {
                    let line = id.span().start().line;
                    let mut segments = vec![id.to_string()];
                    let mut j = i + 1;
                    // `::` is two `:` puncts, then an identifier.
                    while j + 2 < flat.len() + 1 {
                        match (flat.get(j), flat.get(j + 1), flat.get(j + 2)) {
                            (
                                Some(TokenTree::Punct(a)),
                                Some(TokenTree::Punct(b)),
                                Some(TokenTree::Ident(next)),
                            ) if a.as_char() == ':' && b.as_char() == ':' => {
                                segments.push(next.to_string());
                                j += 3;
                            }
                            _ => break,
                        }
                    }
                    if segments.len() > 1 {
                        self.add(segments, line);
                    }
                    i = j;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
    }
}

impl<'ast> Visit<'ast> for Paths {
    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        let line = syn::spanned::Spanned::span(u).start().line;
        self.use_tree(&mut Vec::new(), &u.tree, line);
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        let segments: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        let line = syn::spanned::Spanned::span(p).start().line;
        self.add(segments, line);
        syn::visit::visit_path(self, p);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        self.tokens(m.tokens.clone());
        syn::visit::visit_macro(self, m);
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        self.module.push(m.ident.to_string());
        syn::visit::visit_item_mod(self, m);
        self.module.pop();
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every import across parts that the table does not allow, as text.
fn violations(src: &Path) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    let mut out = BTreeSet::new();
    for file in files {
        let module = module_of(&file, src);
        let Some(from) = part_of(&module) else {
            continue; // lib.rs and main.rs only declare and start.
        };
        let text = std::fs::read_to_string(&file).unwrap();
        let ast = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let mut paths = Paths {
            module: module.clone(),
            found: Vec::new(),
            crates: Vec::new(),
        };
        paths.visit_file(&ast);
        for (name, line) in paths.crates {
            if forbidden_crate(from, &name) {
                out.insert(format!(
                    "{}:{line}: {from} may not use the crate {name}",
                    file.strip_prefix(src.parent().unwrap()).unwrap().display(),
                ));
            }
        }
        for (target, line) in paths.found {
            let Some(to) = part_of(&target) else { continue };
            if !allowed(from, to) {
                out.insert(format!(
                    "{}:{line}: {from} may not use {} ({to})",
                    file.strip_prefix(src.parent().unwrap()).unwrap().display(),
                    target.join("::")
                ));
            }
        }
    }
    out.into_iter().collect()
}

#[test]
fn no_import_goes_up_or_across_edges() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = violations(&src);
    assert!(
        found.is_empty(),
        "imports against the layers (see the table in tests/layers.rs and docs/architecture.md):\n{}",
        found.join("\n")
    );
}

#[test]
fn every_folder_of_src_is_a_part_of_the_table() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    for file in files {
        let module = module_of(&file, &src);
        assert!(
            module.is_empty() || part_of(&module).is_some(),
            "{} belongs to no part of the layer table",
            file.display()
        );
    }
}

/// The checker itself: a file with each kind of path, in a throw-away tree.
#[test]
fn the_checker_sees_every_kind_of_path() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    let write = |rel: &str, text: &str| {
        let p = src.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write("domain/mod.rs", "pub mod a;");
    // A grouped use, a path in an expression, a path in a macro, and a
    // `super` path from an inline module: four ways up.
    write(
        "domain/a.rs",
        "use crate::{infra::store::Db, domain::b};\n\
         fn f() { let _ = crate::services::Services::new(); }\n\
         fn g() { tracing::info!(\"{}\", crate::edges::api::PREFIX); }\n\
         mod inner { use super::super::super::app::main; }\n",
    );
    // Allowed: services using the store; not allowed: naming diesel.
    write(
        "services/mod.rs",
        "use crate::infra::store::Db;\nfn f() { diesel::sql_query(\"SELECT 1\"); }",
    );
    // Across edges.
    write(
        "edges/api/x.rs",
        "use crate::edges::activitypub::WebFinger;",
    );
    let found = violations(&src);
    let text = found.join("\n");
    for needle in [
        "domain may not use infra::store::Db",
        "domain may not use services::Services::new",
        "domain may not use edges::api::PREFIX",
        "domain may not use app::main",
        "edges::api may not use edges::activitypub::WebFinger",
        "services/mod.rs:2: services may not use the crate diesel",
    ] {
        assert!(text.contains(needle), "missed '{needle}' in:\n{text}");
    }
    assert_eq!(found.len(), 6, "{text}");
}
