// Harness-only extension of the stand-in's Workspace: leaves that live in the page.
//
// obsidian-test-mocks keeps leaves as plain records: setViewState stores the state but never
// builds a view, and nothing is attached to a document. In the browser harness the plugin's
// player must really load and play media, so leaves made here own a `div.workspace-leaf` in a
// visible container (the right sidebar or the main area), and setViewState creates the view
// registered for the type, puts its containerEl in that div, loads it and awaits onOpen(), as
// Obsidian does. Everything else (getLeavesOfType, setActiveLeaf, events…) stays the mock's.
import type { View as ViewOriginal, ViewCreator, ViewState, WorkspaceLeaf as LeafOriginal } from "obsidian";
import { type App, WorkspaceLeaf } from "obsidian-test-mocks/obsidian";

export interface LiveWorkspaceOptions {
  /** Where tab leaves (getLeaf("tab"), getLeaf(true)) are placed. */
  mainEl: HTMLElement;
  /** Where right-sidebar leaves (getRightLeaf, ensureSideLeaf "right") are placed. */
  rightEl: HTMLElement;
  /** Where left-sidebar leaves are placed; defaults to mainEl. */
  leftEl?: HTMLElement;
  /** The view creator registered for a type (by the plugin under test), if any. */
  findViewCreator(type: string): ViewCreator | undefined;
}

type Side = "main" | "right" | "left";

/** The mock's private members this extension reads; they exist at runtime. */
interface WorkspaceInternals {
  leaves: WorkspaceLeaf[];
  activeLeaf: WorkspaceLeaf | null;
  setActiveLeaf(leaf: WorkspaceLeaf): void;
  removeLeaf__(leaf: WorkspaceLeaf): void;
  getLeavesOfType(type: string): WorkspaceLeaf[];
}

/** What a live leaf carries on top of the mock's. */
export interface LiveLeafInfo {
  el: HTMLElement;
  side: Side;
}

/** The parts of a View this extension drives (onOpen/onClose are protected in the typings). */
interface DrivenView {
  containerEl: HTMLElement;
  contentEl?: HTMLElement;
  load(): void;
  unload(): void;
  onOpen(): Promise<void>;
  onClose(): Promise<void>;
}

const liveLeaves = new WeakMap<object, LiveLeafInfo>();

/** The page element of a leaf made by {@link installLiveWorkspace}, or undefined. */
export function liveLeafInfo(leaf: unknown): LiveLeafInfo | undefined {
  return typeof leaf === "object" && leaf !== null ? liveLeaves.get(leaf) : undefined;
}

/** Replaces the leaf factories of `app.workspace` so that leaves are real page elements. */
export function installLiveWorkspace(app: App, opts: LiveWorkspaceOptions): void {
  const ws = app.workspace as unknown as WorkspaceInternals & Record<string, unknown>;
  const sideEl = (side: Side): HTMLElement =>
    side === "right" ? opts.rightEl : side === "left" ? (opts.leftEl ?? opts.mainEl) : opts.mainEl;

  async function closeView(leaf: WorkspaceLeaf): Promise<void> {
    const view = leaf.view as unknown as DrivenView | null;
    if (!view) return;
    leaf.view = null;
    await view.onClose();
    view.unload();
    view.containerEl.remove();
  }

  function makeLeaf(side: Side): WorkspaceLeaf {
    const leaf = WorkspaceLeaf.create2__(app);
    const el = sideEl(side).createDiv({ cls: "workspace-leaf" });
    el.dataset.leafId = leaf.id__;
    liveLeaves.set(leaf, { el, side });
    const baseSetViewState = (state: ViewState, eState?: Record<string, unknown>): Promise<void> =>
      WorkspaceLeaf.prototype.setViewState.call(leaf, state, eState);
    const live = leaf as unknown as Record<string, unknown>;

    live.setViewState = async (state: ViewState, eState?: Record<string, unknown>): Promise<void> => {
      if (state.type !== leaf.getViewState().type || !leaf.view) {
        await closeView(leaf);
        const creator = opts.findViewCreator(state.type);
        if (creator) {
          const created = creator(leaf as unknown as LeafOriginal);
          leaf.view = created;
          const view = created as unknown as DrivenView;
          const container = view.containerEl;
          container.addClass("workspace-leaf-content");
          container.dataset.type = state.type;
          // Obsidian's ItemView has a header before its content; the mock's has none.
          if (view.contentEl && container.firstElementChild === view.contentEl) {
            const header = createDiv({ cls: "view-header" });
            header.createDiv({ cls: "view-header-title", text: (created as unknown as { getDisplayText(): string }).getDisplayText() });
            container.prepend(header);
            view.contentEl.addClass("view-content");
          }
          el.appendChild(container);
          view.load();
          await view.onOpen();
        }
      }
      await baseSetViewState(state, eState);
      if (leaf.view && state.state) await leaf.view.setState(state.state, { history: false });
      if (state.active) ws.setActiveLeaf(leaf);
    };

    live.open = async (view: ViewOriginal): Promise<ViewOriginal> => {
      await closeView(leaf);
      leaf.view = view;
      const driven = view as unknown as DrivenView;
      el.appendChild(driven.containerEl);
      driven.load();
      await driven.onOpen();
      return view;
    };

    live.detach = (): void => {
      void closeView(leaf);
      el.remove();
      ws.removeLeaf__(leaf);
    };

    ws.leaves.push(leaf);
    return leaf;
  }

  ws.getRightLeaf = (_split?: boolean): WorkspaceLeaf => makeLeaf("right");
  ws.getLeftLeaf = (_split?: boolean): WorkspaceLeaf => makeLeaf("left");
  ws.getLeaf = (newLeaf?: boolean | string): WorkspaceLeaf => {
    if (newLeaf === true || newLeaf === "tab" || newLeaf === "split" || newLeaf === "window") return makeLeaf("main");
    const active = ws.activeLeaf;
    if (active && liveLeafInfo(active)?.side === "main") return active;
    const leaf = makeLeaf("main");
    ws.activeLeaf = leaf;
    return leaf;
  };
  ws.revealLeaf = async (leaf: WorkspaceLeaf): Promise<void> => {
    await Promise.resolve();
    const info = liveLeafInfo(leaf);
    if (info) {
      // A revealed leaf is the visible one of its side, as with sidebar tabs.
      sideEl(info.side).removeClass("is-collapsed");
      info.el.scrollIntoView({ block: "nearest" });
    }
    ws.setActiveLeaf(leaf);
  };
  ws.ensureSideLeaf = async (
    type: string,
    side: "left" | "right",
    options: { active?: boolean; split?: boolean; reveal?: boolean; state?: Record<string, unknown> } = {},
  ): Promise<WorkspaceLeaf> => {
    const leaf = ws.getLeavesOfType(type)[0] ?? makeLeaf(side);
    await leaf.setViewState({ type, active: options.active, state: options.state });
    if (options.reveal !== false) await (ws.revealLeaf as (l: WorkspaceLeaf) => Promise<void>)(leaf);
    return leaf;
  };
  ws.getActiveViewOfType = (type: abstract new (...args: never[]) => unknown): unknown => {
    const view = ws.activeLeaf?.view;
    return view instanceof type ? view : null;
  };
}
