// The exported web app's script (lesson-lab.js), a classic script so that index.html also works
// opened from disk (Chromium runs no ES module and fetches nothing on file://). It defines
// window.LessonLab; index.html's #lesson-lab-app gets the page. model.js, loaded before it,
// defines window.LESSON_LAB_MODEL (the weights, embedded).
import { loadBundle, type WebClassifier } from "./runtime";
import { startPage } from "./page";
import type { ModelBundle } from "../bundle";

interface LessonLabGlobal {
  /** Loads the model (once; later calls share it). */
  load(bundle?: ModelBundle): Promise<WebClassifier>;
}

declare global {
  interface Window {
    LessonLab?: LessonLabGlobal;
    LESSON_LAB_MODEL?: ModelBundle;
  }
}

let loading: Promise<WebClassifier> | null = null;

const api: LessonLabGlobal = {
  load(bundle?: ModelBundle): Promise<WebClassifier> {
    loading ??= Promise.resolve().then(() => {
      const b = bundle ?? window.LESSON_LAB_MODEL;
      if (!b) throw new Error("model.js is not loaded: no model to run");
      return loadBundle(b);
    });
    return loading;
  },
};
window.LessonLab = api;

const root = document.getElementById("lesson-lab-app");
if (root && window.LESSON_LAB_MODEL) startPage(root, api.load(), window.LESSON_LAB_MODEL.card);
else if (root) root.textContent = "model.js did not load: keep it beside index.html.";
