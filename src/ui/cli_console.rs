//! The AWS CLI console: `aws dynamodb ...` lines typed as in a terminal, run against the tab's
//! engine as AWS CLI v2 runs them (JSON and shorthand values, `--query`, `--output
//! json|text|table`, paging), with what the CLI prints and the requests each line became.
//! Enter runs, Shift+Enter starts a new line, ↑/↓ walk the history and Tab completes commands,
//! options and values.

use super::resource::run_busy;
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

use super::AppState;
use crate::converters;

/// The console, folded away until opened.
#[component]
pub fn CliConsole() -> impl IntoView {
    let state = expect_context::<AppState>();
    let line = RwSignal::new(String::new());
    let output = NodeRef::<leptos::html::Div>::new();
    let history = RwSignal::new(Vec::<String>::new());
    // Where ↑/↓ stand in the history: None is the line being typed.
    let cursor = RwSignal::new(None::<usize>);
    let suggestions = RwSignal::new(Vec::<String>::new());
    let busy = RwSignal::new(false);

    let run = move || {
        let text = line.get_untracked();
        if busy.get_untracked() || text.trim().is_empty() {
            return;
        }
        let Ok(handle) = state.handle().map(|h| h.with_source("cli")) else {
            return;
        };
        suggestions.set(Vec::new());
        history.update(|h| {
            if h.last() != Some(&text) {
                h.push(text.clone());
            }
        });
        cursor.set(None);
        run_busy(busy, async move {
            let (html, wrote) = match crate::cli::run_line(&handle, &text).await {
                Ok(run) => (run.html, run.sent),
                Err(e) => (
                    format!(
                        "<div class=\"cli-entry failed\" data-testid=\"cli-entry\"><pre class=\"cli-stderr\">{}</pre></div>",
                        dynoscope_codegen::html::escape(&e.message)
                    ),
                    false,
                ),
            };
            if let Some(log) = output.get_untracked() {
                let _ = log.insert_adjacent_html("beforeend", &html);
                log.set_scroll_top(log.scroll_height());
            }
            line.set(String::new());
            if wrote {
                state.changed();
            }
        });
    };

    let walk = move |older: bool| {
        let list = history.get_untracked();
        if list.is_empty() {
            return;
        }
        let next = match (cursor.get_untracked(), older) {
            (None, true) => Some(list.len() - 1),
            (None, false) => None,
            (Some(0), true) => Some(0),
            (Some(i), true) => Some(i - 1),
            (Some(i), false) if i + 1 < list.len() => Some(i + 1),
            (Some(_), false) => None,
        };
        cursor.set(next);
        line.set(next.map(|i| list[i].clone()).unwrap_or_default());
    };

    let complete = move || {
        let text = line.get_untracked();
        let tables = state.tables.get_untracked();
        leptos::task::spawn_local(async move {
            let Ok((start, candidates)) = converters::cli_complete(text.clone(), tables).await
            else {
                return;
            };
            let prefix = common_prefix(&candidates);
            if candidates.len() == 1 {
                line.set(format!("{}{} ", &text[..start], candidates[0]));
                suggestions.set(Vec::new());
            } else {
                if prefix.len() > text.len() - start {
                    line.set(format!("{}{prefix}", &text[..start]));
                }
                suggestions.set(candidates);
            }
        });
    };

    let on_keydown = move |ev: KeyboardEvent| match ev.key().as_str() {
        "Enter" if !ev.shift_key() => {
            ev.prevent_default();
            run();
        }
        "Tab" if !ev.shift_key() => {
            ev.prevent_default();
            complete();
        }
        "ArrowUp" if !line.get_untracked().contains('\n') => {
            ev.prevent_default();
            walk(true);
        }
        "ArrowDown" if !line.get_untracked().contains('\n') => {
            ev.prevent_default();
            walk(false);
        }
        _ => {}
    };

    view! {
        <details class="panel console cli-console" data-testid="cli-console">
            <summary>"AWS CLI"</summary>
            <p class="muted">
                "Type " <code>"aws dynamodb …"</code> " or " <code>"aws dynamodbstreams …"</code>
                " as in a terminal; values are JSON or shorthand (" <code>"--key pk={S=a}"</code>
                "). Enter runs, Shift+Enter adds a line, ↑/↓ walk the history, Tab completes. "
                <code>"aws dynamodb help"</code> " lists the commands."
            </p>
            <div class="cli-output" role="log" data-testid="cli-output" node_ref=output></div>
            <div class="cli-prompt">
                <span class="cli-dollar" aria-hidden="true">"$"</span>
                <textarea
                    rows="1"
                    spellcheck="false"
                    aria-label="AWS CLI command"
                    placeholder="aws dynamodb list-tables"
                    data-testid="cli-input"
                    prop:value=move || line.get()
                    on:input=move |ev| {
                        line.set(event_target_value(&ev));
                        suggestions.set(Vec::new());
                    }
                    on:keydown=on_keydown
                ></textarea>
                <button type="button" class="primary" data-testid="cli-run" disabled=move || busy.get() on:click=move |_| run()>
                    "Run"
                </button>
            </div>
            <Show when=move || !suggestions.get().is_empty()>
                <p class="cli-suggestions muted" data-testid="cli-suggestions">
                    {move || suggestions.get().join("  ")}
                </p>
            </Show>
        </details>
    }
}

fn common_prefix(words: &[String]) -> String {
    let Some(first) = words.first() else {
        return String::new();
    };
    let mut end = first.len();
    for word in &words[1..] {
        end = first
            .char_indices()
            .zip(word.chars())
            .take_while(|((_, a), b)| a == b)
            .last()
            .map_or(0, |((i, a), _)| i + a.len_utf8())
            .min(end);
    }
    first[..end].to_owned()
}
