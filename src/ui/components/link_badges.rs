//! Links from an abstract as labelled badges (code, dataset, model, demo, page). Only http(s)
//! URLs become links.

use crate::engine::corpus::{is_http_url, Link, LinkKind};
use leptos::prelude::*;

fn label(kind: LinkKind) -> &'static str {
    match kind {
        LinkKind::Code => "Code",
        LinkKind::Dataset => "Dataset",
        LinkKind::Model => "Model",
        LinkKind::Demo => "Demo",
        LinkKind::Page => "Project page",
    }
}

/// The badges.
#[component]
pub fn LinkBadges(
    /// The links to show (only http(s) ones become links).
    links: Vec<Link>,
) -> impl IntoView {
    let links: Vec<Link> = links.into_iter().filter(|l| is_http_url(&l.url)).collect();
    (!links.is_empty()).then(|| {
        view! {
            <ul class="badges" aria-label="Links">
                {links
                    .into_iter()
                    .map(|l| {
                        let host = l.url.split('/').nth(2).unwrap_or("").to_string();
                        view! {
                            <li>
                                <a
                                    class=format!("badge badge-{}", l.kind.name())
                                    href=l.url.clone()
                                    target="_blank"
                                    rel="noopener noreferrer"
                                    title=l.url.clone()
                                >
                                    {label(l.kind)}
                                    <span class="visually-hidden">{format!(" on {host} (opens a new tab)")}</span>
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
    })
}
