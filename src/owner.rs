//! One writer per database. A tab serves a database only while it holds the Web Lock named
//! after it (`navigator.locks`), so two tabs never run two engines over one IndexedDB
//! database. A tab that finds the lock taken says so plainly and offers "Use it here": that
//! asks the owner, over a BroadcastChannel of the same name, to step down. The owner refuses
//! new requests, waits until everything it acknowledged is committed, closes the database and
//! releases the lock, which passes to the asking tab (queued for it before asking). A former
//! owner that wants the database back reloads and asks the same way: sessionStorage carries the
//! wish across the reload. Where the Web Locks API is missing (an old browser, a page not served
//! from a secure context) the tab serves without a lock, as it did before locks existed.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use dynoscope_engine::{DynamoError, ErrorKind};
use futures_channel::oneshot;
use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::BroadcastChannel;

/// What a tab says on the channel to ask the owner to step down.
const TAKE_OVER: &str = "take-over";
/// The sessionStorage key remembering, across a reload, that this tab asked for the database.
const WISH_KEY: &str = "dynoscope-take-over";

thread_local! {
    /// Whether another tab serves this page's database (so requests are refused, not queued).
    static ELSEWHERE: Cell<bool> = const { Cell::new(false) };
}

/// The error every request gets while another tab serves the database.
pub fn refusal() -> Option<DynamoError> {
    ELSEWHERE.get().then(|| {
        DynamoError::new(
            ErrorKind::InternalFailure,
            "Another tab of this browser serves this database, and only one tab at a time may \
             write it. Choose \"Use it here\" in this tab to move it here.",
        )
    })
}

/// From now on this tab refuses requests: it is handing the database to another tab.
pub fn refuse_requests() {
    ELSEWHERE.set(true);
}

/// This tab's hold on its database: the lock (released by [`Tenure::release`] or when the
/// tab closes) and the channel on which other tabs ask for it.
pub struct Tenure {
    release: Option<Function>,
    channel: Option<BroadcastChannel>,
}

impl Tenure {
    /// Runs `step_down` when another tab asks for the database. It must settle everything it
    /// acknowledged, then call [`Tenure::release`].
    pub fn on_take_over(self, step_down: impl FnOnce(Tenure) + 'static) {
        let Some(channel) = self.channel.clone() else {
            return;
        };
        let waiting = RefCell::new(Some((self, step_down)));
        let listener = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |event: web_sys::MessageEvent| {
                if event.data().as_string().as_deref() == Some(TAKE_OVER)
                    && let Some((tenure, step_down)) = waiting.borrow_mut().take()
                {
                    step_down(tenure);
                }
            },
        );
        channel.set_onmessage(Some(listener.as_ref().unchecked_ref()));
        listener.forget();
    }

    /// Lets the lock go: the tab that asked (or the next to ask) becomes the owner. Call
    /// [`refuse_requests`] first and settle what was acknowledged.
    pub fn release(self) {
        refuse_requests();
        if let Some(channel) = self.channel {
            channel.set_onmessage(None);
            channel.close();
        }
        if let Some(release) = self.release {
            let _ = release.call0(&JsValue::UNDEFINED);
        }
    }
}

/// The lock's and the channel's name for the database `db_name`.
fn lock_name(db_name: &str) -> String {
    format!("dynoscope-owner:{db_name}")
}

/// Takes the database `db_name` for this tab. Without `take_over`, returns `None` at once if
/// another tab holds it; with it, asks the owner to step down and waits until it has.
pub async fn acquire(db_name: &str, take_over: bool) -> Option<Tenure> {
    let name = lock_name(db_name);
    let Some(locks) = web_sys::window()
        .and_then(|w| Reflect::get(&w.navigator(), &"locks".into()).ok())
        .filter(|locks| locks.is_object())
    else {
        return Some(Tenure {
            release: None,
            channel: None,
        });
    };
    let (granted, grant) = oneshot::channel::<Option<Function>>();
    let granted = Rc::new(RefCell::new(Some(granted)));
    let callback = Closure::once_into_js(move |lock: JsValue| -> JsValue {
        let Some(granted) = granted.borrow_mut().take() else {
            return JsValue::UNDEFINED;
        };
        if lock.is_null() {
            let _ = granted.send(None);
            return JsValue::UNDEFINED;
        }
        // Held until the returned promise settles: that is, until `release` is called.
        let mut resolve = None;
        let held = Promise::new(&mut |r, _| resolve = Some(r));
        let _ = granted.send(resolve);
        held.into()
    });
    let options = Object::new();
    let _ = Reflect::set(&options, &"ifAvailable".into(), &JsValue::from(!take_over));
    let Some(request) = Reflect::get(&locks, &"request".into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
    else {
        return Some(Tenure {
            release: None,
            channel: None,
        });
    };
    // Queue for the lock before asking, so it passes to this tab once the owner lets go.
    let asked = request.call3(&locks, &JsValue::from_str(&name), &options, &callback);
    if let Ok(promise) = asked.and_then(|p| p.dyn_into::<Promise>()) {
        let ignore = Closure::<dyn FnMut(JsValue)>::new(|_| {});
        let _ = promise.catch(&ignore);
        ignore.forget();
    }
    let channel = BroadcastChannel::new(&name).ok();
    if take_over && let Some(channel) = &channel {
        let _ = channel.post_message(&JsValue::from_str(TAKE_OVER));
    }
    match grant.await {
        Ok(Some(release)) => {
            ELSEWHERE.set(false);
            Some(Tenure {
                release: Some(release),
                channel,
            })
        }
        _ => {
            ELSEWHERE.set(true);
            None
        }
    }
}

/// Whether this tab asked for `db_name` before reloading (the wish is used up).
pub fn take_wish(db_name: &str) -> bool {
    let Some(storage) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) else {
        return false;
    };
    let wished = storage.get_item(WISH_KEY).ok().flatten().as_deref() == Some(db_name);
    let _ = storage.remove_item(WISH_KEY);
    wished
}

/// Reloads the page to take `db_name` back: the reloaded page asks for it at once.
pub fn reload_to_take_over(db_name: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Ok(Some(storage)) = window.session_storage() {
        let _ = storage.set_item(WISH_KEY, db_name);
    }
    let _ = window.location().reload();
}

/// Shows (or replaces) the notice that another tab serves the database, with "Use it here"
/// running `use_here`; `None` shows the wait after the button was chosen.
pub fn show_notice(use_here: Option<Box<dyn FnOnce()>>) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let notice = match document.get_element_by_id("owner-notice") {
        Some(notice) => notice,
        None => {
            let Ok(notice) = document.create_element("div") else {
                return;
            };
            notice.set_id("owner-notice");
            let _ = notice.set_attribute("class", "owner-notice");
            let _ = notice.set_attribute("role", "alertdialog");
            let _ = notice.set_attribute("aria-modal", "true");
            let _ = notice.set_attribute("aria-labelledby", "owner-notice-title");
            if let Some(body) = document.body() {
                let _ = body.append_child(&notice);
            }
            notice
        }
    };
    let waiting = use_here.is_none();
    notice.set_inner_html(if waiting {
        "<div><h2 id=\"owner-notice-title\">Moving the database to this tab…</h2>\
         <p>The other tab is committing what it acknowledged and stepping down.</p></div>"
    } else {
        "<div><h2 id=\"owner-notice-title\">Dynoscope is open in another tab</h2>\
         <p>Only one tab at a time serves this database, so that two tabs never write over \
         each other's changes. The other tab keeps it until you move it here; it commits \
         everything it acknowledged first, then steps down.</p>\
         <button type=\"button\" class=\"primary\" data-testid=\"use-here\">Use it here</button></div>"
    });
    let Some(use_here) = use_here else {
        return;
    };
    if let Ok(Some(button)) = notice.query_selector("button") {
        let listener = Closure::once_into_js(use_here);
        let _ = button.add_event_listener_with_callback("click", listener.unchecked_ref());
        if let Some(button) = button.dyn_ref::<web_sys::HtmlElement>() {
            let _ = button.focus();
        }
    }
}

/// Removes the notice once this tab serves the database.
pub fn hide_notice() {
    if let Some(notice) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("owner-notice"))
    {
        notice.remove();
    }
}
