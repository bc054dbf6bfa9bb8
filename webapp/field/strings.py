"""The field app's UI strings (/field): its own translation domain, handed to the page as boot
JSON so the app is translated offline, as the kiosk's strings are (webapp/kiosk/strings.py).

Questionnaire wording is not here: it is bilingual in the survey definitions. Keys are used
by static/js/field/*.js; every key exists in both languages. `{n}` placeholders are filled in JS.
"""

from webapp.kiosk.strings import KIOSK_STRINGS

# The phone number is checked as on the kiosk (static/js/kiosk/contact.js): same words for it.
PHONE_KEYS = ("contact_phone", "contact_placeholder", "contact_invalid", "contact_version")


def _phone_strings(lang: str) -> dict[str, str]:
    return {key: KIOSK_STRINGS[lang][key] for key in PHONE_KEYS}


FIELD_STRINGS: dict[str, dict[str, str]] = {
    "vi": {
        "app_name": "Hài Lòng — Khảo sát thực địa",
        "language": "Ngôn ngữ",
        "loading": "Đang tải…",
        # status bar
        "outbox_label": "Phiếu chưa gửi",
        "online": "Có mạng",
        "offline": "Ngoại tuyến",
        "last_sync": "Lần gửi cuối: {time}",
        "never_synced": "Chưa gửi lần nào",
        # sign-in
        "signin_title": "Đăng nhập để khảo sát",
        "signin_help": "Đăng nhập một lần bằng tài khoản khảo sát viên. Sau đó ứng dụng "
        "làm việc được cả khi không có mạng.",
        "signin_link": "Đăng nhập",
        "signin_offline": "Cần có mạng để đăng nhập lần đầu.",
        "signin_unsent": "Còn {n} phiếu của lần đăng nhập trước chưa gửi được. Cần gửi xong "
        "(khi có mạng) trước khi đăng nhập lại, để phiếu mang đúng tên điều tra viên.",
        "signin_working": "Đang kết nối thiết bị…",
        "signin_failed": "Không kết nối được thiết bị (mã lỗi {status}). Vui lòng thử lại.",
        "signin_refused": "Máy chủ không còn nhận thiết bị này. Vui lòng đăng nhập lại.",
        "config_missing": "Chưa tải được danh sách phiếu khảo sát. Vui lòng kiểm tra mạng.",
        # home
        "home_title": "Phiếu mới",
        "surveyor": "Khảo sát viên: {email}",
        "pick_survey": "Loại phiếu",
        "pick_unit": "Đơn vị được khảo sát",
        "no_units": "Không có đơn vị nào phù hợp với loại phiếu này.",
        "start": "Bắt đầu",
        "drafts_title": "Phiếu đang làm dở",
        "no_drafts": "Không có phiếu nào đang làm dở.",
        "draft_line": "{survey} — {unit}",
        "draft_started": "Bắt đầu lúc {time}, phần {section}/{total}",
        "resume": "Tiếp tục",
        "dead_title": "Phiếu bị máy chủ từ chối",
        "dead_line": "{survey} — {unit}, nộp lúc {time}",
        "sync_now": "Gửi ngay",
        "signout": "Đăng xuất",
        "signout_pending": "Còn {n} phiếu chưa gửi; ứng dụng sẽ gửi khi có mạng.",
        "signed_out": "Đã đăng xuất.",
        # interview
        "section_progress": "Phần {n}/{total}",
        "yes": "Có",
        "no": "Không",
        "text_placeholder": "Nhập câu trả lời",
        "optional": "(không bắt buộc)",
        "required_missing": "Vui lòng trả lời câu hỏi này.",
        "required_summary": "Còn {n} câu bắt buộc chưa trả lời.",
        "back": "Quay lại",
        "next": "Tiếp",
        "to_review": "Xem lại",
        "home": "Về trang chính",
        "saved": "Đã lưu trên máy",
        # review
        "review_title": "Xem lại phiếu",
        "review_help": "Kiểm tra các câu trả lời trước khi gửi. Sau khi gửi không sửa được nữa.",
        "no_answer": "(chưa trả lời)",
        "submit": "Gửi phiếu",
        "edit": "Sửa",
        # follow-up contact (SPEC 13), on the review screen of a household interview
        "consent_title": "Liên hệ khảo sát tiếp theo (không bắt buộc)",
        "consent_help": "Đọc cho người được phỏng vấn nghe nội dung dưới đây. Chỉ ghi số điện "
        "thoại khi họ đồng ý.",
        "consent_agree": "Người được phỏng vấn đồng ý với nội dung trên",
        **_phone_strings("vi"),
        # done
        "done_title": "Đã lưu phiếu",
        "done_queued": "Phiếu sẽ được gửi lên máy chủ khi có mạng.",
        "done_sent": "Phiếu đã được gửi lên máy chủ.",
        "new_interview": "Phiếu mới",
        "rating_1": "1 — Rất kém",
        "rating_5": "5 — Rất tốt",
    },
    "en": {
        "app_name": "Hài Lòng — Field surveys",
        "language": "Language",
        "loading": "Loading…",
        "outbox_label": "Unsent forms",
        "online": "Online",
        "offline": "Offline",
        "last_sync": "Last sent: {time}",
        "never_synced": "Never sent yet",
        "signin_title": "Sign in to survey",
        "signin_help": "Sign in once with your surveyor account. From then on the app also "
        "works without a network.",
        "signin_link": "Sign in",
        "signin_offline": "The first sign-in needs a network.",
        "signin_unsent": "{n} forms of the previous sign-in are not sent yet. They must be "
        "sent (when online) before signing in again, so that they carry the right surveyor.",
        "signin_working": "Connecting this device…",
        "signin_failed": "Could not connect this device (error {status}). Please try again.",
        "signin_refused": "The server no longer accepts this device. Please sign in again.",
        "config_missing": "The questionnaires could not be loaded. Please check the network.",
        "home_title": "New form",
        "surveyor": "Surveyor: {email}",
        "pick_survey": "Questionnaire",
        "pick_unit": "Unit surveyed",
        "no_units": "None of your units fits this questionnaire.",
        "start": "Start",
        "drafts_title": "Unfinished forms",
        "no_drafts": "No unfinished forms.",
        "draft_line": "{survey} — {unit}",
        "draft_started": "Started {time}, section {section}/{total}",
        "resume": "Resume",
        "dead_title": "Forms the server refused",
        "dead_line": "{survey} — {unit}, submitted {time}",
        "sync_now": "Send now",
        "signout": "Sign out",
        "signout_pending": "{n} forms not sent yet; the app will send them when online.",
        "signed_out": "Signed out.",
        "section_progress": "Section {n}/{total}",
        "yes": "Yes",
        "no": "No",
        "text_placeholder": "Type the answer",
        "optional": "(optional)",
        "required_missing": "Please answer this question.",
        "required_summary": "{n} required questions are not answered yet.",
        "back": "Back",
        "next": "Next",
        "to_review": "Review",
        "home": "Home",
        "saved": "Saved on this device",
        "review_title": "Review the form",
        "review_help": "Check the answers before sending. They cannot be changed afterwards.",
        "no_answer": "(not answered)",
        "submit": "Send form",
        "edit": "Edit",
        "consent_title": "Follow-up contact (optional)",
        "consent_help": "Read the text below to the person interviewed. Write down a phone "
        "number only if they agree.",
        "consent_agree": "The person interviewed agrees to the text above",
        **_phone_strings("en"),
        "done_title": "Form saved",
        "done_queued": "The form will be sent to the server when online.",
        "done_sent": "The form has been sent to the server.",
        "new_interview": "New form",
        "rating_1": "1 — Very poor",
        "rating_5": "5 — Very good",
    },
}


def field_strings() -> dict[str, dict[str, str]]:
    return FIELD_STRINGS
