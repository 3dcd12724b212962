//! The analyst workbench: static HTML, CSS and JavaScript compiled into the
//! binary (`include_str!`), served at `/` and `/ui/...` without a key.
//!
//! The pages themselves are public; every call they make to the API sends
//! the key the analyst pasted, so the roles of [`crate::router`] apply
//! unchanged. Nothing is fetched from another origin: the
//! `Content-Security-Policy` header allows this server only, which also
//! keeps injected markup from running scripts.
//!
//! The JavaScript is native ES modules, one per page plus a few shared
//! ones, with no bundler and no build step: `index.html` loads `app.js`
//! (`type="module"`), whose `import`s bring in the rest from `/ui/`
//! (relative specifiers such as `./dom.js`). Every module is an entry of
//! [`ASSETS`], served like the others (same content type, `no-cache`,
//! `nosniff` and the CSP, whose `script-src 'self'` covers module imports).
//!
//! | path | asset |
//! |---|---|
//! | `/`, `/ui/`, `/ui/index.html` | the single page (`ui/index.html`) |
//! | `/ui/app.js` | the entry module and router (hash routes to page views) |
//! | `/ui/login.js` | page: sign in (`#/login`) |
//! | `/ui/screen.js` | page: screening (`#/screen`) |
//! | `/ui/search.js` | part of the screening page: the instant search box |
//! | `/ui/entity.js` | page: a list entry (`#/entities/ID`) |
//! | `/ui/queue.js` | page: the case queue (`#/cases`) |
//! | `/ui/case.js` | page: one case (`#/cases/ID`) |
//! | `/ui/timeline.js`, `/ui/network.js` | parts of the case page: timeline, network |
//! | `/ui/explain.js` | "Why this score" (screening, hit cases), "Why (not)?" (case page) |
//! | `/ui/audit.js` | the audit log: case history sentences, the dashboard's export |
//! | `/ui/dashboard.js` | page: the dashboard (`#/dashboard`) |
//! | `/ui/page.js` | shared: `render`, navigation, messages for the next page |
//! | `/ui/api.js` | shared: the API client (fetch with the key), `ApiError` |
//! | `/ui/session.js` | shared: the key kept in the tab, the header showing it |
//! | `/ui/dom.js` | shared: `el`/`svg` from text nodes, form parts, the announcer |
//! | `/ui/format.js` | shared: numbers, times, codes read out, who acted |
//! | `/ui/app.css` | the styles (`ui/app.css`) |
//! | `/ui/favicon.svg`, `/favicon.ico` | the icon |
//!
//! A new file in `ui/` needs its entry in [`ASSETS`]; the tests below fail
//! on a file of `ui/` that is not served, an `import` of a module that is
//! not embedded, an import cycle, or a module `app.js` never loads.

use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;
use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::sync::Arc;

/// One embedded file.
#[derive(Debug, Clone, Copy)]
pub struct Asset {
    /// Its name under `/ui/`.
    pub name: &'static str,
    /// Its `Content-Type` header (with `charset=utf-8`).
    pub content_type: &'static str,
    /// The file's text, as compiled in.
    pub body: &'static str,
}

/// The entry of one ES module of `ui/` (served as JavaScript).
macro_rules! module {
    ($name:literal) => {
        Asset {
            name: $name,
            content_type: "text/javascript; charset=utf-8",
            body: include_str!(concat!("../ui/", $name)),
        }
    };
}

/// Every file of the workbench.
pub const ASSETS: &[Asset] = &[
    Asset {
        name: "index.html",
        content_type: "text/html; charset=utf-8",
        body: include_str!("../ui/index.html"),
    },
    module!("app.js"),
    module!("format.js"),
    module!("dom.js"),
    module!("session.js"),
    module!("page.js"),
    module!("api.js"),
    module!("explain.js"),
    module!("audit.js"),
    module!("search.js"),
    module!("timeline.js"),
    module!("network.js"),
    module!("login.js"),
    module!("screen.js"),
    module!("entity.js"),
    module!("queue.js"),
    module!("case.js"),
    module!("dashboard.js"),
    Asset {
        name: "app.css",
        content_type: "text/css; charset=utf-8",
        body: include_str!("../ui/app.css"),
    },
    Asset {
        name: "favicon.svg",
        content_type: "image/svg+xml",
        body: include_str!("../ui/favicon.svg"),
    },
];

/// Only this server: no CDN, no inline script, no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The embedded file called `name`, if any.
pub fn asset(name: &str) -> Option<&'static Asset> {
    let name = if name.is_empty() { "index.html" } else { name };
    ASSETS.iter().find(|a| a.name == name)
}

/// The routes of the workbench (public: the pages hold no data).
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(index))
        .route("/ui", get(index))
        .route("/ui/", get(index))
        .route("/ui/{*file}", get(file))
        .route("/favicon.ico", get(favicon))
}

async fn index() -> Response {
    serve("index.html")
}

async fn favicon() -> Response {
    serve("favicon.svg")
}

async fn file(Path(name): Path<String>) -> Response {
    serve(&name)
}

/// The response for one asset, or a JSON 404 like every unknown route.
pub fn serve(name: &str) -> Response {
    let Some(a) = asset(name) else {
        return ApiError::new(
            ErrorCode::RouteNotFound,
            format!("the workbench has no file `{name}`"),
        )
        .into_response();
    };
    let mut response = a.body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(a.content_type),
    );
    // Assets change with the binary; revalidate rather than go stale.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    #[test]
    fn every_asset_has_its_content_type_and_security_headers() {
        let mut expected = vec![
            ("", "text/html; charset=utf-8"),
            ("index.html", "text/html; charset=utf-8"),
            ("app.css", "text/css; charset=utf-8"),
            ("favicon.svg", "image/svg+xml"),
        ];
        for name in [
            "app.js",
            "format.js",
            "dom.js",
            "session.js",
            "page.js",
            "api.js",
            "explain.js",
            "audit.js",
            "search.js",
            "timeline.js",
            "network.js",
            "login.js",
            "screen.js",
            "entity.js",
            "queue.js",
            "case.js",
            "dashboard.js",
        ] {
            expected.push((name, "text/javascript; charset=utf-8"));
        }
        assert_eq!(
            expected.len(),
            ASSETS.len() + 1,
            "a new asset: list it here"
        );
        for (name, expected) in expected {
            let r = serve(name);
            assert_eq!(r.status(), StatusCode::OK, "{name}");
            assert_eq!(r.headers()[header::CONTENT_TYPE], expected, "{name}");
            assert_eq!(
                r.headers()[header::CONTENT_SECURITY_POLICY],
                CONTENT_SECURITY_POLICY
            );
            assert_eq!(r.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        }
    }

    #[test]
    fn unknown_files_are_json_404s() {
        for name in ["../Cargo.toml", "app.jsx", "ui/app.js", "%2e%2e/x"] {
            let r = serve(name);
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{name}");
            assert_eq!(
                r.headers()[header::CONTENT_TYPE],
                "application/json",
                "{name}"
            );
        }
    }

    /// Every `/ui/...` file the page refers to is embedded, and nothing
    /// is loaded from another origin (no CDN).
    #[test]
    fn the_page_refers_only_to_embedded_files() {
        let html = asset("index.html").unwrap().body;
        let mut referenced = 0;
        for attr in ["src=\"", "href=\""] {
            for (i, _) in html.match_indices(attr) {
                let rest = &html[i + attr.len()..];
                let target = &rest[..rest.find('"').unwrap()];
                if let Some(name) = target.strip_prefix("/ui/") {
                    assert!(
                        asset(name).is_some(),
                        "index.html refers to missing {target}"
                    );
                    referenced += 1;
                } else {
                    assert!(
                        target.starts_with('#'),
                        "index.html refers to {target}, outside the embedded assets"
                    );
                }
            }
        }
        assert!(
            referenced >= 3,
            "the page should load its script, styles and icon"
        );
        for a in ASSETS {
            for scheme in ["http://", "https://", "//cdn"] {
                let outside = a
                    .body
                    .match_indices(scheme)
                    .filter(|(i, _)| {
                        // The SVG namespace names a spec, it loads nothing.
                        !a.body[*i..].starts_with("http://www.w3.org/2000/svg")
                    })
                    .count();
                assert_eq!(outside, 0, "{} mentions {scheme}", a.name);
            }
        }
    }

    /// Every file of `ui/` is embedded and served: a new file without its
    /// entry in `ASSETS` would be a 404 in the browser.
    #[test]
    fn every_file_of_the_ui_directory_is_served() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui");
        let mut files = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if name.starts_with('.') {
                continue; // an editor's swap file
            }
            assert!(
                asset(&name).is_some(),
                "ui/{name} is not in ASSETS (src/ui.rs), so it is not served"
            );
            files += 1;
        }
        assert_eq!(files, ASSETS.len(), "ASSETS lists a file ui/ lacks");
    }

    /// The modules `body` imports: the specifier of each `import`
    /// statement (`import { el } from './dom.js';` gives `./dom.js`).
    fn imports(body: &str) -> Vec<&str> {
        let quote = |c: char| c == '\'' || c == '"';
        let next_line = |at: usize| body[at..].find('\n').map_or(body.len(), |n| at + n + 1);
        let mut out = Vec::new();
        let mut at = 0;
        while at < body.len() {
            if body[at..].starts_with("import ") {
                let end = at + body[at..].find(';').expect("an import ends with `;`");
                let statement = body[at..end].trim_end();
                let quoted = statement
                    .strip_suffix(quote)
                    .expect("an import ends with its module's name");
                out.push(&quoted[quoted.rfind(quote).unwrap() + 1..]);
                at = end;
            }
            at = next_line(at);
        }
        out
    }

    /// The ES modules: each starts with a comment saying what it renders,
    /// imports only embedded modules, by relative path (`./name.js`: a
    /// bare specifier would not load), has no import cycle,
    /// and is reached from `app.js`, the one `index.html` loads.
    #[test]
    fn the_modules_import_only_embedded_modules_without_cycles() {
        use std::collections::BTreeMap;
        let modules: BTreeMap<&str, Vec<&str>> = ASSETS
            .iter()
            .filter(|a| a.content_type.starts_with("text/javascript"))
            .map(|a| {
                assert!(
                    a.body.starts_with("// Yalu workbench: "),
                    "{} does not start with its header comment",
                    a.name
                );
                assert!(
                    !a.body.contains("import("),
                    "{}: dynamic import is not checked here",
                    a.name
                );
                let deps = imports(a.body)
                    .into_iter()
                    .map(|spec| {
                        let name = spec.strip_prefix("./").unwrap_or_else(|| {
                            panic!("{} imports {spec}: use a relative ./name.js", a.name)
                        });
                        assert!(
                            name.ends_with(".js") && asset(name).is_some(),
                            "{} imports {spec}, which is not embedded",
                            a.name
                        );
                        name
                    })
                    .collect();
                (a.name, deps)
            })
            .collect();
        assert!(
            modules["app.js"].len() >= 5,
            "app.js should import the pages: {:?}",
            modules["app.js"]
        );
        // Depth-first from app.js: a module met again on the current path
        // is a cycle.
        fn visit<'a>(
            name: &'a str,
            modules: &BTreeMap<&'a str, Vec<&'a str>>,
            path: &mut Vec<&'a str>,
            done: &mut Vec<&'a str>,
        ) {
            if done.contains(&name) {
                return;
            }
            assert!(
                !path.contains(&name),
                "import cycle: {} -> {name}",
                path.join(" -> ")
            );
            path.push(name);
            for dep in &modules[name] {
                visit(dep, modules, path, done);
            }
            path.pop();
            done.push(name);
        }
        let mut done = Vec::new();
        visit("app.js", &modules, &mut Vec::new(), &mut done);
        for name in modules.keys() {
            assert!(
                done.contains(name),
                "{name} is embedded but app.js never imports it"
            );
        }
    }

    #[test]
    fn imports_are_read_from_each_statement() {
        let body = "// Yalu workbench: x\n\nimport { a, b } from './a.js';\nimport {\n  c,\n} from \"./c.js\";\nimport './d.js';\nconst s = 'import nothing';\n";
        assert_eq!(imports(body), ["./a.js", "./c.js", "./d.js"]);
        assert_eq!(imports("import x from './x.js';"), ["./x.js"]);
    }

    /// The page keeps the landmarks and live region the screen-reader
    /// support relies on.
    #[test]
    fn the_page_has_landmarks_and_a_live_region() {
        let html = asset("index.html").unwrap().body;
        for needle in [
            "<html lang=\"en\">",
            "<header",
            "<nav aria-label=\"Main\"",
            "<main id=\"main\"",
            "<footer",
            "aria-live=\"polite\"",
            "class=\"skip-link\" href=\"#main\"",
        ] {
            assert!(html.contains(needle), "index.html lacks {needle}");
        }
    }
}
