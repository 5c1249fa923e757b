//! Keeping what the engine has seen across a reload: the event history, the activity log,
//! metrics and stream records ([`dynoscope_engine::Engine::history`], bounded there). The
//! owning tab saves the history to IndexedDB (the `settings` store, outside the journal) every
//! [`EVERY_MILLIS`] when it has moved, at once when the tab is hidden or left (`pagehide`,
//! `visibilitychange`), and before handing the database to another tab; the next load gives
//! it back to the engine with the settings. An idle tab writes nothing: the mark it compares
//! starts at what the load restored.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::bridge::EngineHandle;

/// How often a moving history is saved.
pub const EVERY_MILLIS: i32 = 2_000;

/// The history's keeper for one engine handle.
#[derive(Clone)]
pub struct Keeper {
    handle: EngineHandle,
    /// The mark of the history last saved (or restored).
    saved: Rc<Cell<(u64, u64, u128)>>,
}

impl Keeper {
    /// Starts keeping `handle`'s history: on a timer and when the tab is hidden or left.
    pub fn start(handle: EngineHandle) -> Keeper {
        let keeper = Keeper {
            saved: Rc::new(Cell::new(handle.history_mark())),
            handle,
        };
        let Some(window) = web_sys::window() else {
            return keeper;
        };
        let tick = {
            let keeper = keeper.clone();
            Closure::<dyn Fn()>::new(move || keeper.save_in_background())
        };
        let _ = window.set_interval_with_callback_and_timeout_and_arguments_0(
            tick.as_ref().unchecked_ref(),
            EVERY_MILLIS,
        );
        tick.forget();
        let leaving = {
            let keeper = keeper.clone();
            Closure::<dyn Fn()>::new(move || {
                let hidden = web_sys::window()
                    .and_then(|w| w.document())
                    .is_none_or(|d| d.visibility_state() == web_sys::VisibilityState::Hidden);
                if hidden {
                    keeper.save_in_background();
                }
            })
        };
        for event in ["pagehide", "visibilitychange"] {
            let _ =
                window.add_event_listener_with_callback(event, leaving.as_ref().unchecked_ref());
        }
        leaving.forget();
        keeper
    }

    /// Saves the history if it moved, unless the tab no longer serves the database.
    fn save_in_background(&self) {
        if crate::owner::refusal().is_some() {
            return;
        }
        let keeper = self.clone();
        wasm_bindgen_futures::spawn_local(async move { keeper.save().await });
    }

    /// Saves the history now if it moved since it was last saved; what cannot be saved is
    /// only history, so a failure is logged, not shown.
    pub async fn save(&self) {
        let mark = self.handle.history_mark();
        if mark == self.saved.get() {
            return;
        }
        let (Some(store), Some(text)) = (self.handle.store(), self.handle.history()) else {
            return;
        };
        self.saved.set(mark);
        if let Err(e) = store.save_history(&text).await {
            web_sys::console::warn_1(
                &format!("dynoscope: the history could not be saved: {}", e.message).into(),
            );
        }
    }
}
