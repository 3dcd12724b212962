//! The analyst workbench: static HTML, CSS and JavaScript compiled into the
//! binary (`include_str!`), served at `/` and `/ui/...` without a key.
//!
//! The pages themselves are public; every call they make to the API sends
//! the key the analyst pasted, so the roles of [`crate::router`] apply
//! unchanged. Nothing is fetched from another origin: the
//! `Content-Security-Policy` header allows this server only, which also
//! keeps injected markup from running scripts.
//!
//! | path | asset |
//! |---|---|
//! | `/`, `/ui/`, `/ui/index.html` | the single page (`ui/index.html`) |
//! | `/ui/app.js` | the application (`ui/app.js`) |
//! | `/ui/entity.js` | the entity page and the instant search box (`ui/entity.js`, an ES module loaded before `app.js`) |
//! | `/ui/app.css` | the styles (`ui/app.css`) |
//! | `/ui/favicon.svg`, `/favicon.ico` | the icon |

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
    pub content_type: &'static str,
    pub body: &'static str,
}

/// Every file of the workbench.
pub const ASSETS: &[Asset] = &[
    Asset {
        name: "index.html",
        content_type: "text/html; charset=utf-8",
        body: include_str!("../ui/index.html"),
    },
    Asset {
        name: "app.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../ui/app.js"),
    },
    Asset {
        name: "entity.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../ui/entity.js"),
    },
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
        for (name, expected) in [
            ("", "text/html; charset=utf-8"),
            ("index.html", "text/html; charset=utf-8"),
            ("app.js", "text/javascript; charset=utf-8"),
            ("entity.js", "text/javascript; charset=utf-8"),
            ("app.css", "text/css; charset=utf-8"),
            ("favicon.svg", "image/svg+xml"),
        ] {
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
