//! The clock bar: the engine's virtual time (`HH:MM:SS.mmm`, in the browser's time zone) and
//! mode, with Pause (a stepped clock), Play and speeds 1×, 10×, 100× (a real-time clock),
//! and steps of +100 ms and +1 s (`Dynoscope_AdvanceClock`), which work in either mode. The
//! time is read with `Dynoscope_DescribeClock` on the Cluster view's refresh tick and runs
//! on locally in between, so the display moves smoothly without asking the engine. Space
//! toggles pause when the focus is not in a field or on a control that Space already
//! activates.

use std::time::Duration;

use dynoscope_engine::contract::ClockDescription;
use leptos::ev;
use leptos::prelude::*;
use serde_json::{Value, json};
use wasm_bindgen::JsCast;

use super::cluster::{ClockReading, ClusterCtx};
use super::text::clock_text;
use super::{AppState, ErrorNotice, ShownError};

/// The speeds offered.
const SPEEDS: [f64; 3] = [1.0, 10.0, 100.0];

/// What a clock button asks the engine.
#[derive(Debug, Clone, Copy, PartialEq)]
enum ClockAction {
    Pause,
    Run(f64),
    Step(u64),
}

impl ClockAction {
    fn request(self) -> (&'static str, Value) {
        match self {
            ClockAction::Pause => ("Dynoscope_SetClock", json!({ "Mode": "STEPPED" })),
            ClockAction::Run(speed) => (
                "Dynoscope_SetClock",
                json!({ "Mode": "REALTIME", "Speed": speed }),
            ),
            ClockAction::Step(millis) => ("Dynoscope_AdvanceClock", json!({ "Millis": millis })),
        }
    }
}

/// Whether a key press on `target` belongs to it rather than to the page: text fields,
/// selects, buttons, links and editable content all use Space themselves.
fn space_belongs_to(target: Option<web_sys::EventTarget>) -> bool {
    let Some(element) = target.and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else {
        return false;
    };
    let tag = element.tag_name().to_ascii_lowercase();
    matches!(
        tag.as_str(),
        "input" | "textarea" | "select" | "button" | "a" | "summary" | "option"
    ) || element
        .dyn_ref::<web_sys::HtmlElement>()
        .is_some_and(|e| e.is_content_editable())
        || element
            .closest("[role=button], [contenteditable]")
            .ok()
            .flatten()
            .is_some()
}

/// Formats a speed as `1×`, `10×`, `2.5×`.
fn speed_text(speed: f64) -> String {
    if speed.fract() == 0.0 {
        format!("{speed:.0}×")
    } else {
        format!("{speed}×")
    }
}

/// The clock bar.
#[component]
pub fn ClockBar() -> impl IntoView {
    let state = expect_context::<AppState>();
    let ctx = expect_context::<ClusterCtx>();
    let error = RwSignal::new(None::<ShownError>);
    // The speed Play resumes at: the last one chosen.
    let speed = RwSignal::new(1.0_f64);
    let host_now = RwSignal::new(js_sys::Date::now());

    // Read the engine's clock on every refresh.
    Effect::new(move |_| {
        ctx.track();
        leptos::task::spawn_local(async move {
            match state
                .call::<ClockDescription>("Dynoscope_DescribeClock", &json!({}))
                .await
            {
                Ok(described) => {
                    let reading = ClockReading::from_description(&described);
                    if let Some(s) = reading.speed {
                        speed.try_set(s);
                    }
                    ctx.clock.try_set(Some(reading));
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    });

    // Run the display on between readings (no engine calls).
    match set_interval_with_handle(
        move || {
            host_now.try_set(js_sys::Date::now());
        },
        Duration::from_millis(100),
    ) {
        Ok(handle) => on_cleanup(move || handle.clear()),
        Err(e) => web_sys::console::warn_2(&"dynoscope: no clock interval".into(), &e),
    }

    let act = move |action: ClockAction| {
        if let ClockAction::Run(s) = action {
            speed.set(s);
        }
        let (operation, request) = action.request();
        leptos::task::spawn_local(async move {
            match state.call::<ClockDescription>(operation, &request).await {
                Ok(described) => {
                    error.try_set(None);
                    ctx.clock
                        .try_set(Some(ClockReading::from_description(&described)));
                    ctx.refresh();
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };

    let paused = move || ctx.clock.get().is_some_and(|c| c.speed.is_none());
    let running_at = move |s: f64| ctx.clock.get().and_then(|c| c.speed) == Some(s);
    let toggle = move || {
        let running = ctx.clock.get_untracked().is_some_and(|c| c.speed.is_some());
        act(if running {
            ClockAction::Pause
        } else {
            ClockAction::Run(speed.get_untracked())
        });
    };

    let keys = window_event_listener(ev::keydown, move |ev: web_sys::KeyboardEvent| {
        let space = ev.key() == " " || ev.code() == "Space";
        if !space || ev.ctrl_key() || ev.meta_key() || ev.alt_key() || ev.repeat() {
            return;
        }
        if space_belongs_to(ev.target()) {
            return;
        }
        ev.prevent_default();
        toggle();
    });
    on_cleanup(move || keys.remove());

    let time = move || {
        ctx.clock
            .get()
            .map(|c| clock_text(c.estimate(host_now.get())))
            .unwrap_or_else(|| "--:--:--.---".to_owned())
    };
    let mode = move || match ctx.clock.get() {
        None => ("", "…".to_owned()),
        Some(ClockReading { speed: None, .. }) => ("STEPPED", "Paused (stepped)".to_owned()),
        Some(ClockReading { speed: Some(s), .. }) => {
            ("REALTIME", format!("Real time {}", speed_text(s)))
        }
    };

    let speed_buttons = SPEEDS
        .iter()
        .map(|&s| {
            let label = speed_text(s);
            let testid = format!("clock-speed-{s:.0}");
            let aria = format!("Run at {label} speed");
            view! {
                <button
                    type="button"
                    class="toggle"
                    class:on=move || running_at(s)
                    aria-pressed=move || if running_at(s) { "true" } else { "false" }
                    aria-label=aria
                    data-testid=testid
                    on:click=move |_| act(ClockAction::Run(s))
                >
                    {label}
                </button>
            }
        })
        .collect_view();

    view! {
        <div class="clock-bar" data-testid="clock-bar">
            <div class="clock-reading">
                <span class="clock-label">"Virtual time"</span>
                <span class="clock-time" role="timer" aria-label="Virtual time" data-testid="clock-time">
                    {time}
                </span>
                <span
                    class="clock-mode"
                    class:paused=paused
                    data-testid="clock-mode"
                    data-mode=move || mode().0
                >
                    {move || mode().1}
                </span>
            </div>
            <div class="clock-buttons">
                <div class="button-group" role="group" aria-label="Pause or play">
                    <button
                        type="button"
                        class="toggle"
                        class:on=paused
                        aria-pressed=move || if paused() { "true" } else { "false" }
                        aria-label="Pause the clock"
                        title="Pause (Space)"
                        data-testid="clock-pause"
                            on:click=move |_| act(ClockAction::Pause)
                    >
                        <svg class="icon" viewBox="0 0 12 12" aria-hidden="true">
                            <rect x="2" y="1.5" width="3" height="9" rx="0.5" />
                            <rect x="7" y="1.5" width="3" height="9" rx="0.5" />
                        </svg>
                        "Pause"
                    </button>
                    <button
                        type="button"
                        class="toggle"
                        class:on=move || !paused() && ctx.clock.get().is_some()
                        aria-pressed=move || if !paused() && ctx.clock.get().is_some() { "true" } else { "false" }
                        aria-label="Play the clock in real time"
                        title="Play (Space)"
                        data-testid="clock-play"
                            on:click=move |_| act(ClockAction::Run(speed.get_untracked()))
                    >
                        <svg class="icon" viewBox="0 0 12 12" aria-hidden="true">
                            <path d="M3 1.5 L10.5 6 L3 10.5 Z" />
                        </svg>
                        "Play"
                    </button>
                </div>
                <div class="button-group" role="group" aria-label="Speed">
                    {speed_buttons}
                </div>
                <div class="button-group" role="group" aria-label="Step the clock">
                    <button
                        type="button"
                        aria-label="Step the clock by 100 milliseconds"
                        data-testid="clock-step-100"
                            on:click=move |_| act(ClockAction::Step(100))
                    >
                        "+100 ms"
                    </button>
                    <button
                        type="button"
                        aria-label="Step the clock by 1 second"
                        data-testid="clock-step-1000"
                            on:click=move |_| act(ClockAction::Step(1000))
                    >
                        "+1 s"
                    </button>
                </div>
                <span class="muted key-hint"><kbd>"Space"</kbd>" pauses and plays"</span>
            </div>
            {move || error.get().map(|e| view! { <ErrorNotice error=e testid="clock-error" /> })}
        </div>
    }
}
