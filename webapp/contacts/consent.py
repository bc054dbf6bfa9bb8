"""The consent text a citizen agrees to, by version (Decree 13/2023/NĐ-CP asks that the
purpose and the controller be stated, and that we can show what was agreed to).

A published version is never edited: a change of wording is a new version, and every
stored contact keeps the version its citizen saw. The kiosk receives the current text with
its config and sends the version back with the contact.
"""

CURRENT_VERSION = "2026-1"

CONSENT_TEXTS: dict[str, dict[str, str]] = {
    "2026-1": {
        "vi": (
            "Ông/bà đồng ý cung cấp số điện thoại để Ủy ban Mặt trận Tổ quốc Việt Nam liên hệ"
            " mời tham gia một cuộc khảo sát tiếp theo về sự hài lòng với dịch vụ hành chính"
            " công. Số điện thoại chỉ dùng cho mục đích này, được mã hoá khi lưu, không gắn"
            " với các câu trả lời được công bố và được xoá khi hết thời hạn lưu trữ hoặc ngay"
            " khi ông/bà yêu cầu (Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân)."
        ),
        "en": (
            "You agree to give your phone number so that the Vietnam Fatherland Front"
            " Committee may call you to take part in a follow-up survey on your satisfaction"
            " with public administrative services. The number is used only for this, stored"
            " encrypted, never published with the answers, and deleted at the end of the"
            " retention period or as soon as you ask (Decree 13/2023/ND-CP on personal data"
            " protection)."
        ),
    },
}


def consent_text(version: str, locale: str) -> str:
    texts = CONSENT_TEXTS[version]
    return texts.get(locale) or texts["vi"]
