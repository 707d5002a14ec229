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
    paper_view_of(&ctx.view.get_untracked(), id)
}

/// Opens a paper from `view`.
pub fn paper_view_of(view: &ViewState, id: &str) -> ViewState {
    let mut next = view.without_notes();
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

/// A result row. The row lives as long as its paper stays in the results (the list is keyed by
/// paper), so a keystroke that keeps a paper on the page only updates its marks and links
/// instead of rebuilding it: `item` is what the row shows, read from the current results.
#[component]
pub fn ResultItem(
    /// The row's paper, from the current results (the last value it had once the paper has
    /// left them, while the row is being removed).
    item: Memo<Item>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    // What does not change while the row lives.
    let Item { doc, id, title, links, date, listed, categories, authors, .. } = item.get_untracked();
    let href = {
        let id = id.clone();
        move || ctx.view.with(|v| url::href(&paper_view_of(v, &id)))
    };
    let open = {
        let id = id.clone();
        move |ev: leptos::ev::MouseEvent| {
            if !modified(&ev) {
                ev.prevent_default();
                ctx.navigate(paper_view(&ctx, &id));
            }
        }
    };
    let when = date.or(listed);
    let (heading, labelled_by) = (format!("r{doc}"), format!("r{doc}"));
    let (save_id, save_title) = (id, title.text);
    let title = Memo::new(move |_| item.with(|i| i.title.clone()));
    let snippet = Memo::new(move |_| item.with(|i| i.snippet.clone()));
    view! {
        <li class="result">
            <article aria-labelledby=labelled_by>
                <h3 class="result-title" id=heading>
                    <a href=href on:click=open data-result="">
                        <MarkedText marked=title/>
                    </a>
                </h3>
                <p class="meta">
                    {when.map(|d| view! { <span class="date">{d}</span> })}
                    {categories.into_iter().take(3).map(|c| view! { <span class="cat">{c}</span> }).collect_view()}
                    {authors_line(&authors).map(|a| view! { <span class="authors">{a}</span> })}
                </p>
                <p class="snippet">
                    <MarkedText marked=snippet/>
                </p>
                <div class="badges-row">
                    {move || {
                        ctx.extras.track();
                        crate::ui::model::topic_of(doc).map(|(t, label)| view! { <TopicChip topic=t label=label/> })
                    }}
                    <LinkBadges links=links/>
                    <SaveButton id=save_id title=save_title/>
                </div>
            </article>
        </li>
    }
}
