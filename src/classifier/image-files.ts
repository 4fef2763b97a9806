// Which files the classifier treats as images, by extension. Pure and tiny: the start-up path
// (the file menu's "Classify image" check in classifier/obsidian/feature.ts) imports it, so that
// main.js does not carry the dataset scanner (dataset.ts) for one check.

/**
 * Extensions of the formats read: those both the app's decoder (Chromium: createImageBitmap)
 * and the command line's (sharp's prebuilt libvips) decode. `.jfif` and `.jpe` are JPEG.
 */
export const IMAGE_EXTENSIONS: readonly string[] = ["png", "jpg", "jpeg", "jpe", "jfif", "webp", "gif", "bmp", "avif"];

/** The lower-case extension of a path's file name ("" without one; a leading dot is not one). */
export function extensionOf(path: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  return dot <= 0 ? "" : name.slice(dot + 1).toLowerCase();
}

/** True when `path`'s extension (any case) is one of IMAGE_EXTENSIONS. */
export function isImagePath(path: string): boolean {
  return IMAGE_EXTENSIONS.includes(extensionOf(path));
}
