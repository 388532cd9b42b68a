//! Sharing a run: the address bar follows the run (its permalink after `#`), the browser's
//! Back and Forward open the run of that entry, and the Share panel copies the link or an
//! embed code, showing the history hash that `nextnumber run --scenario` prints for it.

use crate::state::{Address, HashShown, Msg};
use nextnumber_core::permalink;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

/// The fragment of the page's address (without `#`), or "" without a window.
pub fn fragment() -> String {
    let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    hash.trim_start_matches('#').to_string()
}

/// Whether the page was opened in an iframe's compact layout (`?embed=1`). The query never
/// changes (the page only rewrites the fragment), so it is read once.
pub fn embedded() -> bool {
    thread_local! {
        static EMBEDDED: bool = {
            let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
            search.trim_start_matches('?').split('&').any(|p| p == "embed=1")
        };
    }
    EMBEDDED.with(|e| *e)
}

/// The page's address without fragment and query.
pub fn page_base() -> String {
    let Some(loc) = web_sys::window().map(|w| w.location()) else { return String::new() };
    format!("{}{}", loc.origin().unwrap_or_default(), loc.pathname().unwrap_or_default())
}

/// What opening `fragment` means for the model: a run, or why there is none.
pub fn open_fragment(fragment: &str) -> Msg {
    match permalink::decode(fragment) {
        Ok(scenario) => {
            // A narrated scenario opens at its start, for the story; any other run at its end,
            // the moment its link was copied.
            let at = scenario.name.as_deref().filter(|n| crate::narration::is_narrated(n)).map(|_| 0);
            Msg::Open { scenario: Box::new(scenario), at, push: false }
        }
        Err(e) => Msg::BadLink(e.to_string()),
    }
}

/// Keeps the address bar in step with the run: a new run pushes an entry, anything else
/// replaces the current one; Back and Forward open the entry's run.
#[hook]
pub fn use_address(address: Address, send: Callback<Msg>) {
    let pushed = use_mut_ref(|| address.serial);
    use_effect_with(address, move |a| {
        let Ok(link) = &a.link else { return };
        let Some(w) = web_sys::window() else { return };
        let Ok(history) = w.history() else { return };
        let search = w.location().search().unwrap_or_default();
        let url = format!("{}{search}#{link}", w.location().pathname().unwrap_or_default());
        let here = w.location().hash().unwrap_or_default();
        if here == "#crash-test" {
            return; // the panic test's address stays as it was
        }
        if here == format!("#{link}") {
            *pushed.borrow_mut() = a.serial;
            return;
        }
        let fresh = *pushed.borrow() != a.serial;
        *pushed.borrow_mut() = a.serial;
        // Browsers limit how often these may be called (Safari: 100 per 30 s); the model
        // changes the link at most twice a second, and a refusal only leaves the old address.
        let _ = if fresh {
            history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
        } else {
            history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
        };
    });
    use_effect_with((), move |_| {
        let on_pop = Closure::<dyn Fn()>::new(move || {
            let f = fragment();
            if !f.is_empty() {
                send.emit(open_fragment(&f));
            }
        });
        let window = web_sys::window();
        if let Some(w) = &window {
            let _ = w.add_event_listener_with_callback("popstate", on_pop.as_ref().unchecked_ref());
        }
        move || {
            if let Some(w) = window {
                let _ = w.remove_event_listener_with_callback("popstate", on_pop.as_ref().unchecked_ref());
            }
        }
    });
}

pub use crate::state::Copied;

/// What "Copy embed code" gives: the frame, 560 px tall until its page says how tall it is,
/// and a script (plain, for any static blog: no build, no library) that sets each such
/// frame's height to what its page posts (`use_post_height`), and says so to the page.
/// The script matches the frame by the message's source window and origin; pasted twice,
/// it listens once. A blog that strips scripts keeps the 560 px frame, which the page fits
/// (its map shrinks).
fn embed_code(link: &str) -> String {
    format!(
        "<iframe src=\"{}?embed=1#{link}\" title=\"The Very Next Number: a replicated counter you can break\" \
         width=\"100%\" height=\"560\" loading=\"lazy\" style=\"border:0\"></iframe>\n{FIT_SCRIPT}",
        page_base()
    )
}

/// The embed code's script; web/blog-example.html carries the same (tests/e2e/links.mjs
/// compares them).
const FIT_SCRIPT: &str = "<script>/* The Very Next Number: each frame as tall as its page */\
if(!window.nextnumberFit){window.nextnumberFit=1;addEventListener(\"message\",function(e){var d=e.data;\
if(!d||d.nextnumber!==\"height\"||!(d.height>0))return;document.querySelectorAll(\"iframe\").forEach(function(f){\
if(f.contentWindow===e.source&&new URL(f.src,location.href).origin===e.origin){\
f.style.height=Math.min(Math.ceil(d.height),20000)+\"px\";e.source.postMessage({nextnumber:\"fitted\"},e.origin)}})})}\
</script>";

/// In an iframe (`?embed=1`): tells the page around it how tall this page is, so the
/// embed code's script can fit the frame to it. Posted once the page is drawn and again
/// whenever its height changes (a ResizeObserver on the root element: the story's next
/// step, the folded panels opened), and only then, not on every render.
///
/// Until the page around says it fits the frame (`{nextnumber: "fitted"}`), the page fits
/// the frame it has: its map shrinks to leave the rest room (`.embed .fit` in page.css).
/// From then on the page takes the height its width gives it (`[data-fitted]`), and the
/// frame follows. No loop either way: the map is never taller than its width gives it, so
/// a taller frame never makes a taller page.
#[hook]
pub fn use_post_height(embed: bool) {
    use_effect_with(embed, |&embed| {
        let watching = if embed { watch_height() } else { None };
        move || drop(watching)
    });
}

/// The observer and the listener of `use_post_height`; dropped, they stop.
struct Watching {
    window: web_sys::Window,
    observer: web_sys::ResizeObserver,
    _resized: Closure<dyn FnMut()>,
    heard: Closure<dyn Fn(web_sys::MessageEvent)>,
}

impl Drop for Watching {
    fn drop(&mut self) {
        self.observer.disconnect();
        let _ = self.window.remove_event_listener_with_callback("message", self.heard.as_ref().unchecked_ref());
    }
}

fn watch_height() -> Option<Watching> {
    let window = web_sys::window()?;
    let parent = window.parent().ok().flatten().filter(|p| *p != window)?;
    let root = window.document()?.document_element()?;
    let (watched, last, to) = (root.clone(), std::cell::Cell::new(0u32), parent.clone());
    let resized = Closure::<dyn FnMut()>::new(move || {
        let height = watched.get_bounding_client_rect().height().ceil() as u32;
        if height == 0 || height == last.get() {
            return;
        }
        last.set(height);
        let message = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&message, &"nextnumber".into(), &"height".into());
        let _ = js_sys::Reflect::set(&message, &"height".into(), &height.into());
        // Its height is all it says, so any page may hear it: "*".
        let _ = to.post_message(&message, "*");
    });
    let observer = web_sys::ResizeObserver::new(resized.as_ref().unchecked_ref()).ok()?;
    observer.observe(&root);
    let fitted = root.clone();
    let heard = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
        let from_parent = e.source().is_some_and(|s| js_sys::Object::is(&s, &parent));
        let said = js_sys::Reflect::get(&e.data(), &"nextnumber".into()).ok().and_then(|v| v.as_string());
        if from_parent && said.as_deref() == Some("fitted") {
            let _ = fitted.set_attribute("data-fitted", "");
        }
    });
    let _ = window.add_event_listener_with_callback("message", heard.as_ref().unchecked_ref());
    Some(Watching { window, observer, _resized: resized, heard })
}

/// Puts `text` on the clipboard; `done(true)` once it is there, `done(false)` if refused.
pub fn copy(text: String, done: Callback<bool>) {
    let Some(w) = web_sys::window() else { return done.emit(false) };
    let promise = w.navigator().clipboard().write_text(&text);
    wasm_bindgen_futures::spawn_local(async move {
        done.emit(wasm_bindgen_futures::JsFuture::from(promise).await.is_ok());
    });
}

/// After a refusal the fallback field holds the text: once Yew has drawn it, select it so
/// one keystroke copies it.
fn select_fallback_soon() {
    let Some(w) = web_sys::window() else { return };
    let select = Closure::once_into_js(|| {
        let field = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("share-fallback"));
        if let Some(t) = field.and_then(|f| f.dyn_into::<HtmlTextAreaElement>().ok()) {
            let _ = t.focus();
            t.select();
        }
    });
    let _ = w.request_animation_frame(select.unchecked_ref());
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub address: Address,
    /// The history hash at the moment shown, as far as it is known.
    pub hash: HashShown,
    pub now: u64,
    /// What the last copy did (the model keeps it: `Msg::Copied`).
    pub copied: Option<(Copied, bool)>,
    pub send: Callback<Msg>,
}

/// The share panel. What the last copy did is said in a status line; on refusal the text
/// is shown selected.
#[function_component(Share)]
pub fn share(props: &Props) -> Html {
    let (address, hash, now, status, send) = (&props.address, &props.hash, props.now, props.copied, &props.send);
    let link = address.link.clone();
    let text_of = {
        let link = link.clone();
        move |what: Copied| match (&link, what) {
            (Ok(l), Copied::Link) => format!("{}#{l}", page_base()),
            (Ok(l), Copied::Embed) => embed_code(l),
            (Err(_), _) => String::new(),
        }
    };
    // The text is made when a button is pressed, not at every redraw: a long run's link is
    // long, and the panel is redrawn several times a second while the run plays.
    let on_copy = |what: Copied| {
        let (send, text_of) = (send.clone(), text_of.clone());
        Callback::from(move |_: MouseEvent| {
            let send = send.clone();
            copy(
                text_of(what),
                Callback::from(move |ok| {
                    send.emit(Msg::Copied(what, ok));
                    if !ok {
                        select_fallback_soon();
                    }
                }),
            );
        })
    };
    let said = match status {
        Some((Copied::Link, true)) => "Link copied: it opens this very run.",
        Some((Copied::Embed, true)) => "Embed code copied: paste it into a blog post's HTML.",
        Some((_, false)) => "The browser did not allow copying: the text is selected below, copy it with Ctrl+C or ⌘C.",
        None => "",
    };
    let disabled = link.is_err();
    html! {
        <section class="panel share" aria-labelledby="share-title">
            <h2 id="share-title">{ "Share this run" }</h2>
            <p class="hash">
                { "History hash " }
                {
                    match hash {
                        HashShown::Known(h) => html! {
                            <>
                                <code id="history-hash">{ h.to_string() }</code>
                                { format!(" at t = {}", crate::text::fmt_ms(now)) }
                            </>
                        },
                        HashShown::Computing => html! { { "being computed…" } },
                        HashShown::Playing => html! { { "shown when the run is paused" } },
                        HashShown::Forgotten(why) => html! {
                            { format!("not known here: {why}; open the link with nextnumber run --link for it") }
                        },
                    }
                }
            </p>
            <p class="muted">
                { "The link holds the settings, the seed and every action, so whoever opens it sees the same run. " }
                <code>{ "nextnumber run --link" }</code>{ " prints the same hash for it." }
            </p>
            if let Err(why) = &link {
                <p class="error">{ why.to_string() }</p>
            }
            <div class="share-buttons">
                <button type="button" {disabled} onclick={on_copy(Copied::Link)}>{ "Copy link" }</button>
                <button type="button" {disabled} onclick={on_copy(Copied::Embed)}>{ "Copy embed code" }</button>
            </div>
            <p role="status" class="copied">{ said }</p>
            if let Some((what, false)) = status {
                <label class="fallback">
                    { if what == Copied::Link { "Link to this run" } else { "Embed code for this run" } }
                    <textarea id="share-fallback" readonly=true rows="3" value={text_of(what)} />
                </label>
            }
        </section>
    }
}
