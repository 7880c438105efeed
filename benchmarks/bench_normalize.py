"""Speech text (issue 4): normalize 1 MB of mixed article text; report throughput against
500 KB/s and profile the slowest rules."""

from __future__ import annotations

import cProfile
import pstats
import time

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
    for line in lines:
        normalizer.normalize(line)
    elapsed = time.monotonic() - started
    speed = size_kb / elapsed
    verdict = "ok" if speed >= TARGET_KB_S else "UNDER"
    print(
        f"normalized {size_kb:.0f} KB in {elapsed:.2f} s = {speed:.0f} KB/s "
        f"(target {TARGET_KB_S} KB/s) {verdict}"
    )
    profiler = cProfile.Profile()
    profiler.enable()
    for line in lines[:3000]:
        normalizer.normalize(line)
    profiler.disable()
    print("slowest rules (cumulative time over 3000 lines):")
    stats = pstats.Stats(profiler)
    rows = [
        (stat[3], func[2])
        for func, stat in stats.stats.items()  # type: ignore[attr-defined]
        if "phatthanh/clean" in func[0] and func[2] not in ("normalize", "<lambda>")
    ]
    for cumulative, name in sorted(rows, reverse=True)[:8]:
        print(f"  {name:28s} {cumulative * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
