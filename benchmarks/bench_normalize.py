"""Speech text (issue 4): normalize 1 MB of mixed article text; report throughput against
500 KB/s and profile the slowest rules."""

from __future__ import annotations

import cProfile
import pstats
import time
from pathlib import Path

from phatthanh.clean import Normalizer
from phatthanh.clean.settings import SpeechSettings

TARGET_KB_S = 500
_SENTENCES = [
    "Ngày 03/6/2013, UBND huyện ban hành Kế hoạch số 59-KH/UBND về phát triển KT-XH.",
    "Tốc độ tăng trưởng đạt 5,12%, thu nhập bình quân đạt 52 triệu đồng/người/năm.",
    "Lúc 10h30 sáng nay, HĐND xã khóa XII khai mạc kỳ họp thứ IV tại hội trường.",
    "Toàn xã gieo cấy 650 ha lúa, năng suất ước đạt 58,3 tạ/ha, tăng 2,1 tạ so với năm 2025.",
    "Mọi thắc mắc xin liên hệ đường dây nóng 0912.345.678 hoặc email ubnd@songxanh.gov.vn.",
    "Đội ngũ CC,VC và người lao động tích cực hưởng ứng phong trào xây dựng NTM nâng cao.",
    "Huyện đứng thứ 3/9 huyện, thị xã trong tỉnh; giai đoạn 2021-2025 có 12 xã đạt chuẩn.",
    "Người dân ở thôn Một, thôn Hai đã hiến hơn 1.250 m2 đất để làm đường giao thông.",
]


def corpus(size_bytes: int) -> list[str]:
    lines: list[str] = []
    total = 0
    i = 0
    while total < size_bytes:
        line = _SENTENCES[i % len(_SENTENCES)] + f" Tin số {i}."
        lines.append(line)
        total += len(line.encode("utf-8")) + 1
        i += 1
    return lines


def main() -> None:
    lines = corpus(1_000_000)
    size_kb = sum(len(line.encode()) + 1 for line in lines) / 1000
    normalizer = Normalizer(SpeechSettings())
    started = time.monotonic()
    cpu = time.process_time()
    normalizer.normalize(lines[0])  # the first line also loads the typing-repair word list
    first = time.monotonic() - started
    for line in lines[1:]:
        normalizer.normalize(line)
    elapsed = time.monotonic() - started
    cpu = time.process_time() - cpu
    speed = size_kb / elapsed
    verdict = "ok" if speed >= TARGET_KB_S else "UNDER"
    print(
        f"normalized {size_kb:.0f} KB in {elapsed:.2f} s = {speed:.0f} KB/s "
        f"(target {TARGET_KB_S} KB/s) {verdict}"
    )
    # On a shared machine wall time swings with the load; CPU time says what the code costs.
    print(
        f"  CPU {cpu:.2f} s = {size_kb / cpu:.0f} KB/s of CPU; the first line (word list "
        f"load included) took {first * 1000:.0f} ms"
    )
    profiler = cProfile.Profile()
    profiler.enable()
    for line in lines[:3000]:
        normalizer.normalize(line)
    profiler.disable()
    print("slowest rules (cumulative time over 3000 lines):")
    stats = pstats.Stats(profiler)
    rows = [
        (stat[3], f"{_module(func[0])}.{func[2]}")  # module.function: `rules.dates`
        for func, stat in stats.stats.items()  # type: ignore[attr-defined]
        if "phatthanh/clean" in func[0] and func[2] not in ("normalize", "<lambda>")
    ]
    for cumulative, name in sorted(rows, reverse=True)[:10]:
        print(f"  {name:34s} {cumulative * 1000:8.1f} ms")


def _module(filename: str) -> str:
    path = Path(filename)
    return path.parent.name if path.stem == "__init__" else path.stem


if __name__ == "__main__":
    main()
