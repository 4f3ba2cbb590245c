"""农历 (the Chinese lunisolar calendar) from a Gregorian date, 1900-01-31 to 2101-01-28.

The data is the standard 1900–2100 month table that most Chinese calendar software carries
(derived from the Hong Kong Observatory's and the Purple Mountain Observatory's almanacs; the
same table as the widely copied ``lunarInfo`` of calendar.js). One number a lunar year:

- bits 0–3: the leap month (闰月) of the year, 0 for none;
- bits 4–15: months 12 … 1 (bit 15 is 正月), 1 for a 30-day month (大月), 0 for 29 (小月);
- bit 16: 1 when the leap month has 30 days.

One entry is corrected: 2097, 0x0a4d0 in the table as published, is 0x0a2d0 here (六月 of 29
days, 七月 of 30), as both ``lunardate`` and ``lunar-python`` (new moons computed
astronomically) have it. Where the sources still differ, this table's reading stands: 1933's
闰五月, 1954's 十月 and 1978's 七月 (lunardate differs; lunar-python agrees with us) and 2057's
八月 (lunar-python differs, by a new moon within minutes of midnight; lunardate agrees).

Year 1900's 正月初一 fell on 1900-01-31; every later date is counted from it. The tests check
every day against the ``lunardate`` package (an independent encoding of the same almanacs) and
against known 春节 dates.
"""

from __future__ import annotations

import datetime

from pagesetter.records import record

FIRST_YEAR = 1900
EPOCH = datetime.date(1900, 1, 31)  # 庚子年正月初一
MONTH_TABLE: tuple[int, ...] = (
    0x04bd8, 0x04ae0, 0x0a570, 0x054d5, 0x0d260, 0x0d950, 0x16554, 0x056a0, 0x09ad0, 0x055d2,  # 1900–1909
    0x04ae0, 0x0a5b6, 0x0a4d0, 0x0d250, 0x1d255, 0x0b540, 0x0d6a0, 0x0ada2, 0x095b0, 0x14977,  # 1910–1919
    0x04970, 0x0a4b0, 0x0b4b5, 0x06a50, 0x06d40, 0x1ab54, 0x02b60, 0x09570, 0x052f2, 0x04970,  # 1920–1929
    0x06566, 0x0d4a0, 0x0ea50, 0x16a95, 0x05ad0, 0x02b60, 0x186e3, 0x092e0, 0x1c8d7, 0x0c950,  # 1930–1939
    0x0d4a0, 0x1d8a6, 0x0b550, 0x056a0, 0x1a5b4, 0x025d0, 0x092d0, 0x0d2b2, 0x0a950, 0x0b557,  # 1940–1949
    0x06ca0, 0x0b550, 0x15355, 0x04da0, 0x0a5b0, 0x14573, 0x052b0, 0x0a9a8, 0x0e950, 0x06aa0,  # 1950–1959
    0x0aea6, 0x0ab50, 0x04b60, 0x0aae4, 0x0a570, 0x05260, 0x0f263, 0x0d950, 0x05b57, 0x056a0,  # 1960–1969
    0x096d0, 0x04dd5, 0x04ad0, 0x0a4d0, 0x0d4d4, 0x0d250, 0x0d558, 0x0b540, 0x0b6a0, 0x195a6,  # 1970–1979
    0x095b0, 0x049b0, 0x0a974, 0x0a4b0, 0x0b27a, 0x06a50, 0x06d40, 0x0af46, 0x0ab60, 0x09570,  # 1980–1989
    0x04af5, 0x04970, 0x064b0, 0x074a3, 0x0ea50, 0x06b58, 0x05ac0, 0x0ab60, 0x096d5, 0x092e0,  # 1990–1999
    0x0c960, 0x0d954, 0x0d4a0, 0x0da50, 0x07552, 0x056a0, 0x0abb7, 0x025d0, 0x092d0, 0x0cab5,  # 2000–2009
    0x0a950, 0x0b4a0, 0x0baa4, 0x0ad50, 0x055d9, 0x04ba0, 0x0a5b0, 0x15176, 0x052b0, 0x0a930,  # 2010–2019
    0x07954, 0x06aa0, 0x0ad50, 0x05b52, 0x04b60, 0x0a6e6, 0x0a4e0, 0x0d260, 0x0ea65, 0x0d530,  # 2020–2029
    0x05aa0, 0x076a3, 0x096d0, 0x04afb, 0x04ad0, 0x0a4d0, 0x1d0b6, 0x0d250, 0x0d520, 0x0dd45,  # 2030–2039
    0x0b5a0, 0x056d0, 0x055b2, 0x049b0, 0x0a577, 0x0a4b0, 0x0aa50, 0x1b255, 0x06d20, 0x0ada0,  # 2040–2049
    0x14b63, 0x09370, 0x049f8, 0x04970, 0x064b0, 0x168a6, 0x0ea50, 0x06aa0, 0x1a6c4, 0x0aae0,  # 2050–2059
    0x092e0, 0x0d2e3, 0x0c960, 0x0d557, 0x0d4a0, 0x0da50, 0x05d55, 0x056a0, 0x0a6d0, 0x055d4,  # 2060–2069
    0x052d0, 0x0a9b8, 0x0a950, 0x0b4a0, 0x0b6a6, 0x0ad50, 0x055a0, 0x0aba4, 0x0a5b0, 0x052b0,  # 2070–2079
    0x0b273, 0x06930, 0x07337, 0x06aa0, 0x0ad50, 0x14b55, 0x04b60, 0x0a570, 0x054e4, 0x0d160,  # 2080–2089
    0x0e968, 0x0d520, 0x0daa0, 0x16aa6, 0x056d0, 0x04ae0, 0x0a9d4, 0x0a2d0, 0x0d150, 0x0f252,  # 2090–2099
    0x0d520,  # 2100–2100
)
LAST_YEAR = FIRST_YEAR + len(MONTH_TABLE) - 1

STEMS = "甲乙丙丁戊己庚辛壬癸"  # 天干
BRANCHES = "子丑寅卯辰巳午未申酉戌亥"  # 地支
MONTH_NAMES = ("正", "二", "三", "四", "五", "六", "七", "八", "九", "十", "冬", "腊")
DAY_TENS = ("初", "十", "廿", "三")
DIGITS = "一二三四五六七八九十"


@record(frozen=True)
class LunarDate:
    year: int  # the Gregorian year the lunar year mostly falls in (its 正月初一's year)
    month: int  # 1–12
    day: int  # 1–30
    leap: bool  # a leap month (闰月)

    @property
    def ganzhi(self) -> str:
        """The year's stem-branch name (干支), e.g. 壬寅 for 2022; 1984 was 甲子."""
        return STEMS[(self.year - 4) % 10] + BRANCHES[(self.year - 4) % 12]

    @property
    def month_name(self) -> str:
        return ("闰" if self.leap else "") + MONTH_NAMES[self.month - 1] + "月"

    @property
    def day_name(self) -> str:
        """初一 … 初十, 十一 … 二十, 廿一 … 三十."""
        if self.day == 10:
            return "初十"
        if self.day == 20:
            return "二十"
        if self.day == 30:
            return "三十"
        return DAY_TENS[self.day // 10] + DIGITS[self.day % 10 - 1]

    def __str__(self) -> str:
        """农历壬寅年六月初二, as a masthead's date line prints it."""
        return f"农历{self.ganzhi}年{self.month_name}{self.day_name}"


def _months(year: int) -> list[tuple[int, bool, int]]:
    """The months of lunar ``year`` in order: (month, leap, days)."""
    info = MONTH_TABLE[year - FIRST_YEAR]
    leap = info & 0xF
    out = []
    for month in range(1, 13):
        out.append((month, False, 30 if info & (0x10000 >> month) else 29))
        if month == leap:
            out.append((month, True, 30 if info & 0x10000 else 29))
    return out


def year_days(year: int) -> int:
    return sum(days for _, _, days in _months(year))


def to_lunar(date: datetime.date) -> LunarDate:
    """The lunar date of ``date``; ValueError outside the table's years."""
    offset = (date - EPOCH).days
    if offset < 0:
        raise ValueError(f"the 农历 table starts on {EPOCH.isoformat()}")
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        length = year_days(year)
        if offset < length:
            for month, leap, days in _months(year):
                if offset < days:
                    return LunarDate(year, month, offset + 1, leap)
                offset -= days
        offset -= length
    raise ValueError(f"the 农历 table ends with lunar year {LAST_YEAR}")


def covered() -> tuple[datetime.date, datetime.date]:
    """The first and last Gregorian dates the table converts."""
    total = sum(year_days(y) for y in range(FIRST_YEAR, LAST_YEAR + 1))
    return EPOCH, EPOCH + datetime.timedelta(days=total - 1)
