"""Texts of the kiosk app in every language, shipped inside `GET /api/v1/kiosk/config`.

The kiosk works offline, so it cannot ask the server for a translation at display time: the
whole table travels with the config and is cached by the PWA. Keys are stable identifiers the
JavaScript looks up; values are final texts (no Babel lookup at run time, vi is the default).
"""

STRINGS: dict[str, dict[str, str]] = {
    "vi": {
        "app_title": "Hài Lòng",
        "start_prompt": "Ông/bà hài lòng thế nào với sự phục vụ hôm nay?",
        "submit": "Gửi đánh giá",
        "skip": "Bỏ qua",
        "thanks": "Xin cảm ơn ông/bà đã đánh giá!",
        "language_vi": "Tiếng Việt",
        "language_en": "English",
        "enroll_title": "Đăng ký máy tính bảng",
        "enroll_code": "Mã đăng ký",
        "enroll_submit": "Đăng ký",
        "outbox_pending": "Đang chờ gửi",
        "staff_pin": "Mã PIN nhân viên",
        "sync_now": "Đồng bộ ngay",
    },
    "en": {
        "app_title": "Hài Lòng",
        "start_prompt": "How satisfied are you with our service today?",
        "submit": "Send",
        "skip": "Skip",
        "thanks": "Thank you for your feedback!",
        "language_vi": "Tiếng Việt",
        "language_en": "English",
        "enroll_title": "Enroll this tablet",
        "enroll_code": "Enrollment code",
        "enroll_submit": "Enroll",
        "outbox_pending": "Waiting to send",
        "staff_pin": "Staff PIN",
        "sync_now": "Sync now",
    },
}


def kiosk_strings() -> dict[str, dict[str, str]]:
    """A copy of the kiosk texts, {"vi": {key: text}, "en": {key: text}}."""
    return {lang: dict(texts) for lang, texts in STRINGS.items()}
