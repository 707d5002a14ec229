//! One result: the title (a link to the paper view) with matches marked, date and categories,
//! the authors, a query-dependent snippet, and link badges.

use crate::viewstate::ViewState;
use leptos::prelude::*;

use super::link_badges::LinkBadges;
use super::marked_text::MarkedText;
use super::save_button::SaveButton;
use super::topic_chip::TopicChip;
use crate::ui::model::Item;
use crate::ui::{url, Ctx};

/// Whether a click should be left to the browser (new tab, download, …).
pub fn modified(ev: &leptos::ev::MouseEvent) -> bool {
    ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key() || ev.button() != 0
}

/// Opens a paper from the current view.
pub fn paper_view(ctx: &Ctx, id: &str) -> ViewState {
    let mut next = ctx.view.get_untracked().without_notes();
    next.paper = Some(id.to_string());
    next
}

fn authors_line(authors: &[String]) -> Option<String> {
    match authors.len() {
        0 => None,
        1..=4 => Some(authors.join(", ")),
        n => Some(format!("{}, {} … {} ({n} authors)", authors[0], authors[1], authors[n - 1])),
    }
}

/// A result row.
#[component]
pub fn ResultItem(
    /// The row.
    item: Item,
    /// Its position in the list (for ids and keyboard focus).
    index: usize,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let target = paper_view(&ctx, &item.id);
    let href = url::href(&target);
    let open = move |ev: leptos::ev::MouseEvent| {
        if !modified(&ev) {
            ev.prevent_default();
            ctx.navigate(target.clone());
        }
    };
    let when = item.date.clone().or(item.listed.clone());
    let categories = item.categories.clone();
    let doc = item.doc;
    let (save_id, save_title) = (item.id.clone(), item.title.text.clone());
    view! {
        <li class="result">
            <article aria-labelledby=format!("r{index}")>
                <h3 class="result-title" id=format!("r{index}")>
                    <a href=href on:click=open data-result=index.to_string()>
                        <MarkedText marked=item.title.clone()/>
                    </a>
                </h3>
                <p class="meta">
                    {when.map(|d| view! { <span class="date">{d}</span> })}
                    {categories.into_iter().take(3).map(|c| view! { <span class="cat">{c}</span> }).collect_view()}
                    {authors_line(&item.authors).map(|a| view! { <span class="authors">{a}</span> })}
                </p>
                <p class="snippet">
                    <MarkedText marked=item.snippet.clone()/>
                </p>
                <div class="badges-row">
                    {move || {
                        ctx.extras.track();
                        crate::ui::model::topic_of(doc).map(|(t, label)| view! { <TopicChip topic=t label=label/> })
                    }}
                    <LinkBadges links=item.links.clone()/>
                    <SaveButton id=save_id title=save_title/>
                </div>
            </article>
        </li>
    }
}
