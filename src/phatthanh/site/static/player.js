// Section page player: chapter and transcript links seek the audio element, and the
// transcript line being read is highlighted. Without this script the links still open the
// MP3 at that time (media fragment #t=) and the whole transcript stays readable.
(function () {
  "use strict";
  var audio = document.getElementById("trinh-phat");
  if (!audio) {
    return;
  }
  var cues = Array.prototype.slice.call(document.querySelectorAll(".cac-doan li[data-start]"));
  var times = cues.map(function (li) {
    return [parseFloat(li.getAttribute("data-start")), parseFloat(li.getAttribute("data-end"))];
  });
  var current = null;

  function highlight() {
    var t = audio.currentTime;
    var found = null;
    for (var i = 0; i < cues.length; i += 1) {
      if (times[i][0] <= t && t < times[i][1]) {
        found = cues[i];
        break;
      }
    }
    if (found === current) {
      return;
    }
    if (current) {
      current.classList.remove("dang-doc");
      current.removeAttribute("aria-current");
    }
    if (found) {
      found.classList.add("dang-doc");
      found.setAttribute("aria-current", "true");
    }
    current = found;
  }

  function seek(event) {
    var at = parseFloat(event.currentTarget.getAttribute("data-seek"));
    if (isNaN(at)) {
      return;
    }
    event.preventDefault();
    audio.currentTime = at;
    highlight();
  }

  Array.prototype.forEach.call(document.querySelectorAll("a[data-seek]"), function (a) {
    a.addEventListener("click", seek);
  });
  audio.addEventListener("timeupdate", highlight);
  audio.addEventListener("seeked", highlight);
})();
