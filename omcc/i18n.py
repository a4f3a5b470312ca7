"""Numbers written the Vietnamese way, from the same values as the English text.

`format_value_vi(0.386, "percent", 1)` gives "38,6%", `format_value_vi(1576379,
"integer")` gives "1.576.379", `format_value_vi(381, "money_bn", 0)` gives
"381 tỷ USD". The grouping and decimal marks come from Babel's Vietnamese locale
(CLDR), never from hand-made rules; only the words for units are ours.

Every number a page glues with `omcc.numbers.glue_number` is also glued in this
form under the name `<name>__vi`, so a Vietnamese sentence quotes the very value
the English one does.
"""

from __future__ import annotations

from babel.numbers import format_decimal, format_percent

LOCALE = "vi"
UNITS_VI = {
    "years": "năm",
    "trillion": "nghìn tỷ",
    "billion": "tỷ",
    "million": "triệu",
    "trillion tokens": "nghìn tỷ token",
    "million H100 GPU-hours": "triệu giờ GPU H100",
    "million H800 GPU-hours": "triệu giờ GPU H800",
    "chips": "chip",
    "models": "mô hình",
    "downloads": "lượt tải",
}
CHAPTER_TITLES_VI = {
    "adoption": "Mức độ sử dụng mô hình mở",
    "export_controls": "Kiểm soát xuất khẩu và buôn lậu chip",
    "efficiency": "Hiệu quả thuật toán",
    "energy": "Năng lượng và trợ giá cho trung tâm dữ liệu",
    "investment": "Rủi ro đầu tư",
}
EVIDENCE_TIERS_VI = {
    "official_record": "hồ sơ chính thức",
    "company_filing": "báo cáo của công ty",
    "investigative_press": "báo chí điều tra",
    "modelled_estimate": "ước tính theo mô hình",
    "self_report": "tự công bố",
    "independent_data": "dữ liệu độc lập",
}
VERDICT_MEANINGS_VI = {  # the scale of omcc.ledger.VERDICTS, in Vietnamese
    "supported": "Dữ liệu củng cố nhận định theo đúng cách bài báo nêu.",
    "partly supported": "Đúng một phần, hoặc chỉ đúng khi hiểu theo nghĩa hẹp hơn cách bài báo viết.",
    "misleading": "Con số có thể chính xác, nhưng cách trình bày dẫn người đọc tới một kết luận sai.",
    "unsupported": "Đã kiểm chứng và không đứng vững: bằng chứng mâu thuẫn với nhận định, hoặc đọc nguồn mà bài báo "
                   "dẫn thì thấy nguồn đó không nói như vậy.",
    "unverifiable": "Không kiểm tra được: không đọc được nguồn mà bài báo dẫn, và cũng không có dữ liệu công khai "
                    "nào xác nhận hay bác bỏ nhận định.",
}
VERDICTS_VI = {
    "supported": "có cơ sở",
    "partly supported": "có cơ sở một phần",
    "misleading": "gây hiểu lầm",
    "unsupported": "không có cơ sở",
    "unverifiable": "không thể kiểm chứng",
    "under review": "đang xem xét lại",
}


def _pattern(digits: int) -> str:
    return "#,##0" + ("." + "0" * digits if digits > 0 else "")


def format_value_vi(value, style: str = "number", digits: int = 1, unit: str = "") -> str:
    from omcc.numbers import is_missing

    if is_missing(value):
        return "không có số liệu"
    if style == "number":
        text = format_decimal(value, format=_pattern(digits), locale=LOCALE)
    elif style == "integer":
        text = format_decimal(round(value), format="#,##0", locale=LOCALE)
    elif style == "percent":
        text = format_percent(value, format=_pattern(digits) + "%", locale=LOCALE)
    elif style == "multiple":
        text = format_decimal(value, format=_pattern(digits), locale=LOCALE) + " lần"
    elif style == "one_in":
        n = 1 / value
        text = "1/" + (format_decimal(n, format=_pattern(digits), locale=LOCALE) if digits else str(round(n)))
    elif style == "fraction":
        from fractions import Fraction

        frac = Fraction(value).limit_denominator(20)
        text = f"{frac.numerator}/{frac.denominator}"
    elif style == "money_bn":
        text = format_decimal(value, format=_pattern(digits), locale=LOCALE) + " tỷ USD"
    elif style == "money":
        text = format_decimal(value, format=_pattern(digits), locale=LOCALE) + " USD"
    else:
        raise ValueError(f"unknown style {style!r}")
    if unit and style not in ("percent", "multiple", "one_in", "fraction", "money_bn", "money"):
        text = f"{text} {UNITS_VI.get(unit, unit)}"
    return text


def vi_from_english_text(text: str) -> str:
    """The Vietnamese form of a number written in English, for numbers a page glued
    with its own text ("$22,000", "1.58 million", "600 million"): Vietnamese marks
    ("22.000 USD", "1,58 triệu", "600 triệu"). Other words stay as they are."""
    import re

    scales = {"trillion": "nghìn tỷ", "billion": "tỷ", "million": "triệu", "bn": "tỷ", "thousand": "nghìn"}

    def convert(m: re.Match) -> str:
        dollar, number, scale = m.group(1), m.group(2), m.group(4)
        number = number.replace(",", "\0").replace(".", ",").replace("\0", ".")  # 1,234.5 -> 1.234,5
        words = f" {scales[scale]}" if scale else ""
        return f"{number}{words} USD" if dollar else f"{number}{words}"

    pattern = r"(\$\s?)?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(\s?(trillion|billion|million|bn|thousand)\b)?"
    return re.sub(pattern, convert, text)
