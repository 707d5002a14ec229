//! The paper view: full abstract (its links live), authors, dates, categories, link badges,
//! related papers, and buttons to copy the paper's link or a BibTeX citation.

use crate::cite::bibtex;
use crate::engine::corpus::{is_http_url, Paper};
use leptos::prelude::*;

use super::save_button::SaveButton;
use wasm_bindgen::JsCast;

use super::link_badges::LinkBadges;
use super::result_item::{modified, paper_view};
use super::topic_chip::TopicChip;
use crate::ui::model::{self, PaperLookup, PaperModel};
use crate::ui::{url, Ctx};

/// Copies text, with the Clipboard API where allowed and a selection-based fallback.
pub async fn copy_text(text: &str) -> bool {
    let Some(window) = web_sys::window() else { return false };
    let clipboard = js_sys::Reflect::get(&window.navigator(), &"clipboard".into()).ok().filter(|c| !c.is_undefined());
    if let Some(clipboard) = clipboard {
        let write = js_sys::Reflect::get(&clipboard, &"writeText".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
        if let Some(write) = write {
            if let Ok(promise) = write.call1(&clipboard, &text.into()) {
                if let Ok(p) = promise.dyn_into::<js_sys::Promise>() {
                    if wasm_bindgen_futures::JsFuture::from(p).await.is_ok() {
                        return true;
                    }
                }
            }
        }
    }
    // Fallback: a hidden textarea and the copy command.
    let Some(doc) = window.document() else { return false };
    let Ok(area) = doc.create_element("textarea") else { return false };
    area.set_text_content(Some(text));
    // Through the CSSOM, not a `style` attribute: a CSP without 'unsafe-inline' allows only this.
    if let Some(el) = area.dyn_ref::<web_sys::HtmlElement>() {
        let _ = el.style().set_property("position", "fixed");
        let _ = el.style().set_property("opacity", "0");
    }
    let Some(body) = doc.body() else { return false };
    let _ = body.append_child(&area);
    if let Ok(a) = area.clone().dyn_into::<web_sys::HtmlTextAreaElement>() {
        a.select();
    }
    let ok = js_sys::Reflect::get(&doc, &"execCommand".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .and_then(|f| f.call1(&doc, &"copy".into()).ok())
        .and_then(|r| r.as_bool())
        .unwrap_or(false);
    let _ = body.remove_child(&area);
    ok
}

/// Splits text into runs and http(s) links, so links in an abstract can be followed.
fn linkified(text: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("https://").into_iter().chain(rest.find("http://")).min() {
        out.push((rest[..start].to_string(), false));
        let end = rest[start..].find(char::is_whitespace).map_or(rest.len(), |e| start + e);
        let mut url = &rest[start..end];
        // Sentence punctuation after a link is not part of it.
        while url.ends_with(['.', ',', ';', ':', ')']) {
            url = &url[..url.len() - 1];
        }
        let url_end = start + url.len();
        out.push((url.to_string(), is_http_url(url)));
        rest = &rest[url_end..];
    }
    out.push((rest.to_string(), false));
    out
}

fn abstract_view(text: &str) -> impl IntoView {
    text.split("\n\n")
        .map(|para| {
            let runs = linkified(para)
                .into_iter()
                .map(|(t, link)| {
                    if link {
                        let href = t.clone();
                        view! { <a href=href target="_blank" rel="noopener noreferrer">{t}</a> }.into_any()
                    } else {
                        t.into_any()
                    }
                })
                .collect_view();
            view! { <p>{runs}</p> }
        })
        .collect_view()
}

#[component]
fn Related(
    /// (id, title, similarity when precomputed) of each related paper.
    related: Vec<(String, String, Option<f32>)>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    view! {
        <section class="related" aria-labelledby="related-title">
            <h2 id="related-title">"Related papers"</h2>
            <ol>
                {related
                    .into_iter()
                    .map(|(id, title, similarity)| {
                        let target = paper_view(&ctx, &id);
                        let similarity = similarity.map(|s| {
                            view! { <span class="similarity" title="Similarity of words and phrases (papers of the same topic come first when close)">{format!("{}%", (s * 100.0).round() as u32)}</span> }
                        });
                        let href = url::href(&target);
                        view! {
                            <li>
                                <a href=href on:click=move |ev| {
                                    if !modified(&ev) {
                                        ev.prevent_default();
                                        ctx.navigate(target.clone());
                                    }
                                }>{title}</a>
                                " "
                                {similarity}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </section>
    }
}

#[component]
fn PaperArticle(
    /// The paper and its neighbours.
    model: PaperModel,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let p: Paper = model.paper;
    let cite = bibtex(&p);
    let cite_for_copy = cite.clone();
    let close = move |_| {
        let mut next = ctx.view.get_untracked().without_notes();
        next.paper = None;
        ctx.navigate(next);
    };
    let copy_link = move |_| {
        let href = web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default();
        leptos::task::spawn_local(async move {
            let ok = copy_text(&href).await;
            ctx.announce.set(if ok { "Link copied".into() } else { format!("Copy failed; the link is {href}") });
        });
    };
    let copy_cite = move |_| {
        let text = cite_for_copy.clone();
        leptos::task::spawn_local(async move {
            let ok = copy_text(&text).await;
            ctx.announce.set(if ok { "BibTeX copied".into() } else { "Copy failed; select the BibTeX below".into() });
        });
    };
    let heading = NodeRef::<leptos::html::H1>::new();
    Effect::new(move |_| {
        if let Some(h) = heading.get() {
            let _ = h.focus();
        }
    });
    let when = p.date.clone().or(p.listed.clone());
    view! {
        <article class="paper">
            <button type="button" class="button back" on:click=close>"← Back to results"</button>
            <h1 node_ref=heading tabindex="-1">{p.title.clone()}</h1>
            {(!p.authors.is_empty()).then(|| view! { <p class="authors">{p.authors.join(", ")}</p> })}
            <p class="meta">
                {when.map(|d| view! { <span class="date">{d}</span> })}
                {p.categories.iter().map(|c| view! { <span class="cat">{c.clone()}</span> }).collect_view()}
                {p.url.clone().filter(|u| is_http_url(u)).map(|u| {
                    let href = u.clone();
                    view! { <a class="source" href=href target="_blank" rel="noopener noreferrer">{u}</a> }
                })}
            </p>
            <LinkBadges links=p.links.clone()/>
            {(!model.topics.is_empty()).then(|| view! {
                <p class="paper-topics">
                    <span class="label">"Topics"</span>
                    {model.topics.iter().map(|(t, label, _)| view! { <TopicChip topic=*t label=label.clone()/> }).collect_view()}
                </p>
            })}
            {(!model.keyphrases.is_empty()).then(|| view! {
                <p class="keyphrases">
                    <span class="label">"Keyphrases"</span>
                    {model.keyphrases.iter().map(|k| view! { <span class="keyphrase">{k.clone()}</span> }).collect_view()}
                </p>
            })}
            <div class="actions">
                <button type="button" class="button" on:click=copy_link>"Copy link"</button>
                <button type="button" class="button" on:click=copy_cite>"Copy BibTeX"</button>
                <SaveButton id=p.id.clone() title=p.title.clone()/>
            </div>
            <section class="abstract" aria-label="Abstract">{abstract_view(&p.abstract_text)}</section>
            <details class="bibtex">
                <summary>"BibTeX"</summary>
                <pre>{cite}</pre>
            </details>
            <Related related=model.related/>
        </article>
    }
}

/// The open paper (or a note that the link names no paper of this index).
#[component]
pub fn PaperView() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let model = Memo::new(move |_| {
        // Topics arriving later replace the "more like this" neighbours.
        ctx.extras.track();
        ctx.view.with(|v| v.paper.clone()).and_then(|id| model::paper(&id))
    });
    move || match model.get() {
        Some(PaperLookup::Found(m)) => view! { <PaperArticle model=m/> }.into_any(),
        Some(PaperLookup::Loading) | None => {
            view! { <p class="status" role="status">"Loading the paper…"</p> }.into_any()
        }
        Some(PaperLookup::Missing) => view! {
            <div class="zero" role="alert">
                <h1>"This paper is not in the index."</h1>
                <p>"The link may come from another collection or an older build."</p>
                <button type="button" class="button" on:click=move |_| {
                    let mut next = ctx.view.get_untracked().without_notes();
                    next.paper = None;
                    ctx.navigate(next);
                }>"Show all papers"</button>
            </div>
        }
        .into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::linkified;

    #[test]
    fn links_in_text_are_split_out() {
        let runs = linkified("Code: https://github.com/a/b. More at http://x.org/y).");
        assert_eq!(runs[1], ("https://github.com/a/b".to_string(), true));
        assert_eq!(runs[3], ("http://x.org/y".to_string(), true));
        assert_eq!(runs.last().unwrap().0, ").");
    }
}
