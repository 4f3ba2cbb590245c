# Writes vietnam.md with exact code points (NFC, NFD and out-of-order marks side by side): run from the repo root.
import unicodedata as u
D = lambda s: u.normalize("NFD", s)
names_nfc = "Nguyễn Thị Ánh、Phạm Minh Chính、Lê Văn Việt、Đặng Thị Ngọc Thịnh、Trần Tiến"
names_nfd = D(names_nfc)
a = f"""---
kicker: 越南领导人 {D('Phạm Minh Chính')} 访华
title: 阮氏映（Nguyễn Thị Ánh）会见吕（Lǚ）女士e\u0301\u0300阮o\u0323\u0302\u0301氏i\u0328\u0307\u0303
subtitle: ——{D('Nguyễn Thị Ánh')}与{D('Lǘ Nǚ')}同台，u\u0308\u0304绿e\u0301\u0300吕o\u0323\u0302\u0301女i\u0328\u0307\u0303
byline: 本报记者 黎文越
photos:
  - file: hanoi.jpg
    caption: ▲{D('Nguyễn Thị Ánh')}（左）与Phạm Minh Chính在河内；右为Lǘ Nǚ与Lê Văn Việt；吕e\u0301\u0300阮o\u0323\u0302\u0301氏i\u0328\u0307\u0303绿u\u0308\u0304。
---

本报河内12月2日电 预组合（NFC）：{names_nfc}。分解（NFD）：{names_nfd}。

次序颠倒的分解：Vie\u0302\u0323t（ê 后加下点，NFC 重排为 ệ）与 Ngo\u0302\u0323c（ộ）。

拼音声调：吕 lǚ、女 nǚ、绿 lǜ、驴 lǘ；分解式 lu\u0308\u030c、nu\u0308\u030c、Lu\u0308\u0301；大写 Lǚ Nǚ LǙ；ǖ 写作 u\u0308\u0304（绿u\u0308\u0304），贴着汉字：吕e\u0301\u0300阮o\u0323\u0302\u0301氏i\u0328\u0307\u0303女。

两个不能合成的附加符号：e\u0301\u0300（é 加重音符）、Ade\u0301ba\u0301yo\u0323\u0300；三个附加符号：立陶宛语 i\u0328\u0307\u0303（į̇̃）与 o\u0323\u0302\u0301（ố 加下点，越南语 ộ 的变体）。

表：人名对照
| 中文 | 原文（NFC） | 原文（NFD） |
|---|---|---|
| 阮氏映 | Nguyễn Thị Ánh | {D('Nguyễn Thị Ánh')} |
| 范明政 | Phạm Minh Chính | {D('Phạm Minh Chính')} |
| 吕 | Lǚ Lǘ | lu\u0308\u030c Lu\u0308\u0301 |
| 绿 | ǖ | u\u0308\u0304 |
| 重音 | é̀ ộ́ | e\u0301\u0300 o\u0323\u0302\u0301 |
| 立陶宛 | į̇̃ | i\u0328\u0307\u0303 |
来源：本报资料

真正重复的重音（对照）：Cafe\u0301\u0301 与 Nguye\u0302\u0302\u0303n。
"""
open("tests/pages/content/stacked-marks/vietnam.md", "w").write(a)
