/**
 * The one message an embed sends to the page that frames it, whenever its content height changes:
 *
 *   { type: "diffusion-atlas:resize", height: <CSS pixels, integer> }
 *
 * posted to `window.parent` with target origin "*" (the height is not a secret, and the atlas
 * cannot know its host's origin). A host with several embeds tells them apart by `event.source`.
 */
export const RESIZE_MESSAGE_TYPE = 'diffusion-atlas:resize';

export interface ResizeMessage {
  type: typeof RESIZE_MESSAGE_TYPE;
  height: number;
}

/** What a host page adds once to let every atlas frame take its figure's height. */
export const RESIZE_SNIPPET =
  '<script>addEventListener("message",function(e){var d=e.data;if(!d||d.type!=="diffusion-atlas:resize")return;' +
  'document.querySelectorAll("iframe").forEach(function(f){if(f.contentWindow===e.source)f.style.height=d.height+"px"})})</script>';

/** In an embed: report the content height now and on every change. Nothing happens outside a frame. */
export function reportHeight(content: HTMLElement): void {
  if (window.parent === window) return;
  let last = -1;
  const send = (): void => {
    const height = Math.ceil(content.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    const message: ResizeMessage = { type: RESIZE_MESSAGE_TYPE, height };
    window.parent.postMessage(message, '*');
  };
  new ResizeObserver(send).observe(content);
  send();
}
