// policyqa: a click on a citation marker ［n］ (in an answer or in the list beside it) opens the
// provision in the viewer. Markers are links "#pqa-cite-<message>-<n>": the click is turned into
// the hidden "marker-open" event instead of a navigation.
(() => {
  const PREFIX = "#pqa-cite-";
  document.addEventListener(
    "click",
    (event) => {
      const link = event.target && event.target.closest && event.target.closest('a[href^="' + PREFIX + '"]');
      if (!link) return;
      event.preventDefault();
      event.stopPropagation();
      window.pqaMarker = link.getAttribute("href").slice(PREFIX.length) + "@" + Date.now();
      const button = document.getElementById("marker-open");
      if (button) button.click();
      if (window.innerWidth < 800) {
        setTimeout(() => {
          const viewer = document.getElementById("viewer");
          if (viewer) viewer.scrollIntoView({ behavior: "smooth", block: "start" });
        }, 400);
      }
    },
    true,
  );
})();

// On a phone the sidebar (conversations, settings) starts folded away: the answer comes first.
(() => {
  if (window.innerWidth >= 800) return;
  let tries = 0;
  const fold = setInterval(() => {
    const sidebar = document.querySelector(".sidebar");
    tries += 1;
    if (sidebar || tries > 100) clearInterval(fold);
    if (sidebar && sidebar.classList.contains("open")) {
      const toggle = sidebar.querySelector(".toggle-button");
      if (toggle) toggle.click();
    }
  }, 100);
})();

// A few of gradio's own labels are English (tooltips, screen-reader names): say them in Chinese.
(() => {
  const LABELS = {
    "Liked": "已赞（再点一次撤销）", "Disliked": "已踩（再点一次撤销）", "Copy message": "复制",
    "Copy": "复制", "Toggle Sidebar": "展开或收起侧栏", "chatbot conversation": "对话", "More tabs": "更多",
  };
  const PREFIXES = [["user's message: ", "提问："], ["bot's message: ", "回答："]];
  const translate = (element, attr) => {
    const value = element.getAttribute(attr);
    if (!value) return;
    if (LABELS[value]) { element.setAttribute(attr, LABELS[value]); return; }
    for (const [prefix, chinese] of PREFIXES) {
      if (value.startsWith(prefix)) {
        element.setAttribute(attr, chinese + (element.innerText || "").slice(0, 200));
        return;
      }
    }
  };
  const run = () => document.querySelectorAll("[aria-label], [title]").forEach((e) => {
    translate(e, "aria-label");
    translate(e, "title");
  });
  let queued = false;
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; run(); });
  }).observe(document.documentElement, {
    subtree: true, childList: true, attributes: true, attributeFilter: ["aria-label", "title"],
  });
})();
