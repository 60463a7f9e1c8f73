//! What a user keeps in local storage (SPEC §1): external links per queue,
//! saved views and custom groupings. One namespaced, versioned schema
//! (`core::prefs`); a corrupt part is reset with a notice; other tabs stay
//! in sync through the `storage` event.

use super::dashboard::{NoticeList, Queues};
use crate::config::Config;
use crate::dom;
use crate::state::{Analysis, ViewState};
use leptos::prelude::*;
use queuescope_core::analysis::{self, CustomGrouping, GroupBy};
use queuescope_core::prefs::{
    self, CustomGroupingDef, GroupingStore, ImportMode, LinkStore, RuleDef, ViewStore,
    GROUPINGS_KEY, LINKS_KEY, VIEWS_KEY,
};
use queuescope_core::url::parse_query;

/// The user's stored preferences, one signal per storage key.
#[derive(Clone, Copy)]
pub struct Prefs {
    /// External links per queue.
    pub links: RwSignal<LinkStore>,
    /// Saved views.
    pub views: RwSignal<ViewStore>,
    /// Custom groupings.
    pub groupings: RwSignal<GroupingStore>,
    /// The last storage problem (quota, unavailable), shown near the controls.
    pub problem: RwSignal<Option<String>>,
}

impl Prefs {
    /// Loads every part from local storage; unreadable parts are reset and
    /// reported through `notices`. Keeps the tabs of one browser in sync.
    pub fn load(notices: NoticeList) -> Prefs {
        let (l, n1) = prefs::load_links(dom::storage_get(LINKS_KEY).as_deref());
        let (v, n2) = prefs::load_views(dom::storage_get(VIEWS_KEY).as_deref());
        let (g, n3) = prefs::load_groupings(dom::storage_get(GROUPINGS_KEY).as_deref());
        let found: Vec<String> = [n1, n2, n3].into_iter().flatten().collect();
        if !found.is_empty() {
            notices.0.update(|n| n.extend(found));
        }
        let p = Prefs {
            links: RwSignal::new(l),
            views: RwSignal::new(v),
            groupings: RwSignal::new(g),
            problem: RwSignal::new(None),
        };
        // Another tab wrote: take its value (the schema is the same).
        let handle =
            window_event_listener(leptos::ev::storage, move |ev| match ev.key().as_deref() {
                Some(LINKS_KEY) => p.links.set(prefs::load_links(ev.new_value().as_deref()).0),
                Some(VIEWS_KEY) => p.views.set(prefs::load_views(ev.new_value().as_deref()).0),
                Some(GROUPINGS_KEY) => p
                    .groupings
                    .set(prefs::load_groupings(ev.new_value().as_deref()).0),
                _ => {}
            });
        on_cleanup(move || handle.remove());
        p
    }

    /// Runs `f` on a copy of one store and, only when that changed it,
    /// saves and publishes the copy. A refused edit (a `javascript:` link, a
    /// taken name) or a no-op (moving the first link up) writes nothing, so
    /// it neither touches storage nor wakes the other tabs.
    fn update<T: Clone + PartialEq + Send + Sync + 'static, R>(
        &self,
        signal: RwSignal<T>,
        key: &str,
        save: fn(&T) -> String,
        f: impl FnOnce(&mut T) -> R,
    ) -> R {
        let mut store = signal.get_untracked();
        let r = f(&mut store);
        if signal.with_untracked(|old| *old != store) {
            match dom::storage_set(key, &save(&store)) {
                Ok(()) => self.problem.set(None),
                Err(e) => self.problem.set(Some(e)),
            }
            signal.set(store);
        }
        r
    }

    /// Changes the links and saves them.
    pub fn update_links<R>(&self, f: impl FnOnce(&mut LinkStore) -> R) -> R {
        self.update(self.links, LINKS_KEY, prefs::save_links, f)
    }

    /// Changes the saved views and saves them.
    pub fn update_views<R>(&self, f: impl FnOnce(&mut ViewStore) -> R) -> R {
        self.update(self.views, VIEWS_KEY, prefs::save_views, f)
    }

    /// Changes the custom groupings and saves them.
    pub fn update_groupings<R>(&self, f: impl FnOnce(&mut GroupingStore) -> R) -> R {
        self.update(self.groupings, GROUPINGS_KEY, prefs::save_groupings, f)
    }

    /// The custom groupings, ready for analysis.
    pub fn custom_groupings(&self) -> Vec<CustomGrouping> {
        self.groupings.with(|g| {
            g.groupings
                .iter()
                .filter_map(|d| d.to_grouping().ok())
                .collect()
        })
    }
}

/// An edit of one queue's links.
type LinkAction = Box<dyn FnOnce(&mut LinkStore, &str) -> Result<(), prefs::LinkError>>;

/// The *External links* section with its *Manage links* editor.
#[component]
pub fn ExternalLinks() -> impl IntoView {
    let p = expect_context::<Prefs>();
    let config = expect_context::<Config>();
    let queues = expect_context::<Queues>();
    let managing = RwSignal::new(false);
    let queue = move || queues.current.get().unwrap_or_default();
    let defaults = config.default_links.clone();
    let mine = move || {
        let q = queue();
        p.links.with(|l| l.links(&q).to_vec())
    };
    let label = RwSignal::new(String::new());
    let url = RwSignal::new(String::new());
    let editing = RwSignal::new(None::<usize>);
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let q = queue();
        let (lab, u) = (label.get_untracked(), url.get_untracked());
        let result = p.update_links(|s| match editing.get_untracked() {
            Some(i) => s.edit(&q, i, &lab, &u),
            None => s.add(&q, &lab, &u),
        });
        match result {
            Ok(()) => {
                label.set(String::new());
                url.set(String::new());
                editing.set(None);
                error.set(None);
            }
            Err(e) => error.set(Some(e.to_string())),
        }
    };
    let act = move |f: LinkAction| {
        let q = queue();
        if let Err(e) = p.update_links(|s| f(s, &q)) {
            error.set(Some(e.to_string()));
        }
    };
    let actions = ViewFn::from(move || {
        view! {
            <button class="qs-btn" data-manage-links aria-expanded=move || managing.get().to_string()
                on:click=move |_| managing.update(|m| *m = !*m)>
                {move || if managing.get() { "Done" } else { "Manage links" }}
            </button>
        }
    });
    let status = Signal::derive(|| super::panels::PanelStatus::Ready);
    view! {
        <Panel name="external-links" title="External links" status=status actions=actions class="qs-wide"
            subtitle=Signal::derive(move || format!("other monitors for {}", queue()))>
            <ul class="qs-links">
                {defaults.iter().map(|d| view! {
                    <li class="qs-link qs-link-default">
                        <a href=d.url.clone() target="_blank" rel="noopener noreferrer">{d.label.clone()}</a>
                        <span class="qs-tag" title="Set by this deployment's config">"default"</span>
                    </li>
                }).collect_view()}
                {move || mine().into_iter().map(|l| view! {
                    <li class="qs-link"><a href=l.url.clone() target="_blank" rel="noopener noreferrer">{l.label.clone()}</a></li>
                }).collect_view()}
                {move || (defaults_empty(&config) && mine().is_empty()).then(|| view! {
                    <li class="qs-muted">"No links yet. Use “Manage links” to add your Grafana, Datadog or cloud console."</li>
                })}
            </ul>
            <Show when=move || managing.get()>
                <div class="qs-link-editor" data-link-editor>
                    <ol class="qs-link-rows">
                        {move || {
                            let list = mine();
                            let n = list.len();
                            list.into_iter().enumerate().map(|(i, l)| {
                                let (lab, u) = (l.label.clone(), l.url.clone());
                                view! {
                                    <li>
                                        <span class="qs-link-label">{l.label.clone()}</span>
                                        <span class="qs-link-url qs-mono">{l.url.clone()}</span>
                                        <button class="qs-btn qs-btn-quiet" aria-label="Move up" disabled=i == 0
                                            on:click=move |_| act(Box::new(move |s, q| s.move_up(q, i)))>"↑"</button>
                                        <button class="qs-btn qs-btn-quiet" aria-label="Move down" disabled=i + 1 == n
                                            on:click=move |_| act(Box::new(move |s, q| s.move_down(q, i)))>"↓"</button>
                                        <button class="qs-btn qs-btn-quiet" on:click=move |_| {
                                            label.set(lab.clone());
                                            url.set(u.clone());
                                            editing.set(Some(i));
                                        }>"Edit"</button>
                                        <button class="qs-btn qs-btn-quiet qs-danger"
                                            on:click=move |_| act(Box::new(move |s, q| s.remove(q, i).map(|_| ())))>"Remove"</button>
                                    </li>
                                }
                            }).collect_view()
                        }}
                    </ol>
                    <form class="qs-link-form" on:submit=submit>
                        <input name="label" placeholder="Label, e.g. Grafana" maxlength="60" prop:value=move || label.get() on:input=move |ev| label.set(event_target_value(&ev))/>
                        <input name="url" type="text" placeholder="https://…" prop:value=move || url.get() on:input=move |ev| url.set(event_target_value(&ev))/>
                        <button class="qs-btn qs-btn-primary" type="submit">{move || if editing.get().is_some() { "Save" } else { "Add" }}</button>
                        <Show when=move || editing.get().is_some()>
                            <button class="qs-btn qs-btn-quiet" type="button" on:click=move |_| { editing.set(None); label.set(String::new()); url.set(String::new()); }>"Cancel"</button>
                        </Show>
                    </form>
                    {move || error.get().map(|e| view! { <p class="qs-field-error" role="alert" data-link-error>{e}</p> })}
                    {move || p.problem.get().map(|e| view! { <p class="qs-field-error" role="alert">{e}</p> })}
                </div>
            </Show>
        </Panel>
    }
}

fn defaults_empty(c: &Config) -> bool {
    c.default_links.is_empty()
}

use super::panels::Panel;

/// Saved views and custom groupings, in the left panel.
#[component]
pub fn SavedViews() -> impl IntoView {
    let p = expect_context::<Prefs>();
    let view = expect_context::<ViewState>();
    let name = RwSignal::new(String::new());
    let message = RwSignal::new(None::<(bool, String)>);
    let renaming = RwSignal::new(None::<String>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let n = name.get_untracked();
        let v = view.url.get_untracked();
        let r = p.update_views(|s| s.save(&n, &v, dom::now_ms()));
        match r {
            Ok(()) => {
                name.set(String::new());
                message.set(Some((true, format!("Saved “{}”.", n.trim()))));
            }
            Err(e) => message.set(Some((false, e.to_string()))),
        }
    };
    let apply = move |query: String| {
        let (v, notices) = parse_query(&query);
        view.url.set(v);
        if !notices.is_empty() {
            message.set(Some((false, notices.join("; "))));
        }
    };
    let export = move |_| {
        let json = prefs::export_all(
            &p.links.get_untracked(),
            &p.views.get_untracked(),
            &p.groupings.get_untracked(),
        );
        dom::download("queuescope-views.json", "application/json", &json);
    };
    let import_mode = RwSignal::new("merge".to_string());
    let import_text = RwSignal::new(String::new());
    let importing = RwSignal::new(false);
    let do_import = move |_| {
        let mode = if import_mode.get_untracked() == "replace" {
            ImportMode::Replace
        } else {
            ImportMode::Merge
        };
        let r = prefs::import_all(
            &import_text.get_untracked(),
            mode,
            &p.links.get_untracked(),
            &p.views.get_untracked(),
            &p.groupings.get_untracked(),
        );
        match r {
            Ok((l, v, g)) => {
                p.update_links(|s| *s = l);
                p.update_views(|s| *s = v);
                p.update_groupings(|s| *s = g);
                importing.set(false);
                import_text.set(String::new());
                message.set(Some((true, "Imported.".into())));
            }
            Err(e) => message.set(Some((false, e))),
        }
    };
    view! {
        <details class="qs-saved" data-saved-views>
            <summary class="qs-label">"Saved views"</summary>
            <form class="qs-inline-form" on:submit=save>
                <input name="view-name" placeholder="Name this view" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                <button class="qs-btn" type="submit">"Save view"</button>
            </form>
            <ul class="qs-saved-list">
                {move || p.views.get().views.into_iter().map(|sv| {
                    let q = sv.query.clone();
                    let n1 = sv.name.clone();
                    let n2 = sv.name.clone();
                    let n3 = sv.name.clone();
                    let is_renaming = {
                        let n = sv.name.clone();
                        move || renaming.get().as_deref() == Some(n.as_str())
                    };
                    view! {
                        <li data-saved-view=sv.name.clone()>
                            <Show when=is_renaming.clone() fallback=move || {
                                let q = q.clone();
                                let n1 = n1.clone();
                                let n2 = n2.clone();
                                view! {
                                    <button class="qs-link-btn" title="Apply this view" on:click=move |_| apply(q.clone())>{n1.clone()}</button>
                                    <span class="qs-saved-actions">
                                        <button class="qs-btn qs-btn-quiet" on:click={
                                            let n = n2.clone();
                                            move |_| renaming.set(Some(n.clone()))
                                        }>"Rename"</button>
                                        <button class="qs-btn qs-btn-quiet qs-danger" on:click={
                                            let n = n2.clone();
                                            move |_| { let _ = p.update_views(|s| s.delete(&n)); }
                                        }>"Delete"</button>
                                    </span>
                                }
                            }>
                                <RenameBox old=n3.clone() on_done=Callback::new(move |(old, new): (String, String)| {
                                    if let Err(e) = p.update_views(|s| s.rename(&old, &new)) {
                                        message.set(Some((false, e.to_string())));
                                    }
                                    renaming.set(None);
                                })/>
                            </Show>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <div class="qs-saved-io">
                <button class="qs-btn qs-btn-quiet" on:click=export>"Export…"</button>
                <button class="qs-btn qs-btn-quiet" on:click=move |_| importing.update(|i| *i = !*i)>"Import…"</button>
            </div>
            <Show when=move || importing.get()>
                <div class="qs-import">
                    <textarea name="import" rows="4" placeholder="Paste an exported JSON file here" prop:value=move || import_text.get() on:input=move |ev| import_text.set(event_target_value(&ev))></textarea>
                    <input type="file" accept="application/json,.json" on:change=move |ev| {
                        read_file(ev, import_text);
                    }/>
                    <label><input type="radio" name="import-mode" value="merge" prop:checked=move || import_mode.get() == "merge" on:change=move |_| import_mode.set("merge".into())/>" merge"</label>
                    <label><input type="radio" name="import-mode" value="replace" prop:checked=move || import_mode.get() == "replace" on:change=move |_| import_mode.set("replace".into())/>" replace"</label>
                    <button class="qs-btn" on:click=do_import>"Import"</button>
                </div>
            </Show>
            {move || message.get().map(|(ok, m)| view! { <p class=if ok { "qs-field-ok" } else { "qs-field-error" } role="status" data-saved-message>{m}</p> })}
            <GroupingEditor/>
        </details>
    }
}

/// Reads a chosen file into `into`.
fn read_file(ev: leptos::ev::Event, into: RwSignal<String>) {
    use wasm_bindgen::JsCast;
    let Some(input) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return;
    };
    let Some(file) = input.files().and_then(|f| f.get(0)) else {
        return;
    };
    let promise = file.text();
    leptos::task::spawn_local(async move {
        if let Ok(v) = wasm_bindgen_futures::JsFuture::from(promise).await {
            into.set(v.as_string().unwrap_or_default());
        }
    });
}

#[component]
fn RenameBox(old: String, on_done: Callback<(String, String)>) -> impl IntoView {
    let text = RwSignal::new(old.clone());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        on_done.run((old.clone(), text.get_untracked()));
    };
    view! {
        <form class="qs-inline-form" on:submit=submit>
            <input name="rename" prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))/>
            <button class="qs-btn" type="submit">"OK"</button>
        </form>
    }
}

/// The custom-grouping editor: ordered rules (field + values or regex →
/// group), with a preview of the groups it makes on the current data.
#[component]
fn GroupingEditor() -> impl IntoView {
    let p = expect_context::<Prefs>();
    let view = expect_context::<ViewState>();
    let a = expect_context::<Analysis>();
    let name = RwSignal::new(String::new());
    let rules = RwSignal::new(vec![empty_rule()]);
    let message = RwSignal::new(None::<(bool, String)>);
    let def = move || CustomGroupingDef {
        name: name.get().trim().to_string(),
        rules: rules.get(),
    };
    let preview = Memo::new(move |_| {
        let Ok(grouping) = def().to_grouping() else {
            return Vec::new();
        };
        let Some(l) = a.prepared.get() else {
            return Vec::new();
        };
        let by = GroupBy::Custom(grouping);
        a.selection.with(|s| {
            let g = analysis::group(&l.prepared, s, &by);
            let mut counts = vec![0usize; g.names.len()];
            for &i in &g.of_job {
                if let Some(c) = counts.get_mut(i as usize) {
                    *c += 1;
                }
            }
            g.names.into_iter().zip(counts).collect::<Vec<_>>()
        })
    });
    let save = move |_| {
        let d = def();
        let n = d.name.clone();
        match p.update_groupings(|s| s.save(d)) {
            Ok(()) => {
                message.set(Some((
                    true,
                    format!("Saved grouping “{n}”; pick custom: {n} under Group by."),
                )));
                view.url.update(|v| v.group = Some(format!("custom:{n}")));
            }
            Err(e) => message.set(Some((false, e))),
        }
    };
    let edit = move |g: CustomGroupingDef| {
        name.set(g.name.clone());
        rules.set(g.rules.clone());
    };
    view! {
        <div class="qs-grouping-editor" data-grouping-editor>
            <h3 class="qs-label">"Custom groupings"</h3>
            <ul class="qs-saved-list">
                {move || p.groupings.get().groupings.into_iter().map(|g| {
                    let g2 = g.clone();
                    let n = g.name.clone();
                    view! {
                        <li>
                            <button class="qs-link-btn" on:click=move |_| edit(g2.clone())>{g.name.clone()}</button>
                            <button class="qs-btn qs-btn-quiet qs-danger" on:click=move |_| { let _ = p.update_groupings(|s| s.delete(&n)); }>"Delete"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <input name="grouping-name" placeholder="Grouping name, e.g. teams" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
            <ol class="qs-rules">
                {move || (0..rules.with(Vec::len)).map(|i| view! { <RuleRow rules=rules index=i/> }).collect_view()}
            </ol>
            <div class="qs-saved-io">
                <button class="qs-btn qs-btn-quiet" on:click=move |_| rules.update(|r| r.push(empty_rule()))>"Add rule"</button>
                <button class="qs-btn" on:click=save>"Save grouping"</button>
            </div>
            {move || {
                let d = def();
                match d.validate() {
                    Err(e) if !d.name.is_empty() => Some(view! { <p class="qs-field-error">{e}</p> }.into_any()),
                    _ => None,
                }
            }}
            <ul class="qs-preview" data-grouping-preview>
                {move || preview.get().into_iter().map(|(g, n)| view! { <li><span>{g}</span><span class="qs-count">{n}</span></li> }).collect_view()}
            </ul>
            {move || message.get().map(|(ok, m)| view! { <p class=if ok { "qs-field-ok" } else { "qs-field-error" }>{m}</p> })}
        </div>
    }
}

fn empty_rule() -> RuleDef {
    RuleDef {
        field: "user".into(),
        values: Vec::new(),
        regex: None,
        group: String::new(),
    }
}

#[component]
fn RuleRow(rules: RwSignal<Vec<RuleDef>>, index: usize) -> impl IntoView {
    let get = move || {
        rules
            .with(|r| r.get(index).cloned())
            .unwrap_or_else(empty_rule)
    };
    let set = move |f: Box<dyn FnOnce(&mut RuleDef)>| {
        rules.update(|r| {
            if let Some(x) = r.get_mut(index) {
                f(x)
            }
        })
    };
    let matcher_text = move || {
        let r = get();
        match r.regex {
            Some(re) => format!("/{re}/"),
            None => r.values.join(", "),
        }
    };
    view! {
        <li class="qs-rule">
            <select name="rule-field" on:change=move |ev| { let v = event_target_value(&ev); set(Box::new(move |r| r.field = v)); }>
                {["user", "job", "project", "entity", "state", "run_name"].into_iter().map(|f| view! {
                    <option value=f selected=move || get().field == f>{f}</option>
                }).collect_view()}
            </select>
            <input name="rule-match" placeholder="alice, bob  or  /^sweep-/" prop:value=matcher_text
                on:change=move |ev| {
                    let t = event_target_value(&ev);
                    set(Box::new(move |r| {
                        let t = t.trim();
                        if t.len() >= 2 && t.starts_with('/') && t.ends_with('/') {
                            r.regex = Some(t[1..t.len() - 1].to_string());
                            r.values.clear();
                        } else {
                            r.regex = None;
                            r.values = t.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
                        }
                    }));
                }/>
            <span aria-hidden="true">"→"</span>
            <input name="rule-group" placeholder="group" prop:value=move || get().group
                on:change=move |ev| { let v = event_target_value(&ev); set(Box::new(move |r| r.group = v)); }/>
            <button class="qs-btn qs-btn-quiet" aria-label="Remove rule" on:click=move |_| rules.update(|r| { if index < r.len() { r.remove(index); } })>"×"</button>
        </li>
    }
}
