"""The kiosk's UI strings: its own translation domain, served to the tablet as JSON.

The kiosk works offline, so its strings cannot come from Flask-Babel at request time:
they travel with the app shell (for the enrollment screen, before any token exists) and
with `GET /api/v1/kiosk/config` (so a server update reaches enrolled tablets). Survey
wording is not here: it lives in the survey definitions, which are bilingual.

Keys are stable identifiers used by static/js/kiosk/*.js; every key must exist in both
languages (tests/kiosk/test_strings.py checks it). `{n}`-style placeholders are filled in JS.
"""

KIOSK_STRINGS: dict[str, dict[str, str]] = {
    "vi": {
        "app_name": "Hài Lòng",
        "lang_vi": "Tiếng Việt",
        "lang_en": "English",
        "language": "Ngôn ngữ",
        # enrollment
        "enroll_title": "Kết nối máy với đơn vị",
        "enroll_help": "Nhập mã kết nối do quản trị viên cung cấp (dạng ABCD-EFGH).",
        "enroll_code": "Mã kết nối",
        "enroll_button": "Kết nối",
        "enroll_working": "Đang kết nối…",
        "enroll_invalid": "Mã kết nối không hợp lệ hoặc đã được dùng. Vui lòng kiểm tra lại "
        "mã, hoặc xin quản trị viên một mã mới.",
        "enroll_expired": "Mã kết nối đã hết hạn. Vui lòng xin quản trị viên một mã mới.",
        "enroll_empty": "Vui lòng nhập mã kết nối (dạng ABCD-EFGH).",
        "enroll_rate_limited": "Đã thử quá nhiều lần. Vui lòng chờ một phút rồi thử lại.",
        "enroll_server_error": "Máy chủ đang gặp sự cố (mã lỗi {status}). Vui lòng thử lại "
        "sau ít phút.",
        "enroll_offline": "Cần có mạng để kết nối máy lần đầu.",
        "enroll_kept": "Còn {n} ý kiến chưa gửi được giữ trên máy; chúng sẽ được gửi sau khi "
        "kết nối lại với cùng đơn vị ({unit}).",
        # the server no longer accepts this tablet's token (revoked or unknown)
        "blocked_title": "Máy này không còn được kết nối — vui lòng báo nhân viên",
        "blocked_help": "Nhân viên: xin quản trị viên một mã kết nối mới cho đơn vị này và "
        "nhập vào đây.",
        "blocked_revoked": "Máy đã bị thu hồi trên máy chủ.",
        "blocked_unknown": "Máy chủ không còn nhận ra máy này.",
        "loading": "Đang tải…",
        "config_missing": "Chưa tải được cấu hình khảo sát. Vui lòng kiểm tra mạng.",
        # start screen
        "start_prompt": "Ông/bà hài lòng thế nào với sự phục vụ hôm nay?",
        "start_hint": "Chạm vào một khuôn mặt",
        "rating_1": "Rất không hài lòng",
        "rating_2": "Không hài lòng",
        "rating_3": "Bình thường",
        "rating_4": "Hài lòng",
        "rating_5": "Rất hài lòng",
        "cooldown": "Vui lòng chờ giây lát…",
        # follow-up
        "followup_title": "Cảm ơn! Ông/bà có thể trả lời thêm (không bắt buộc)",
        "your_rating": "Đánh giá của ông/bà",
        "yes": "Có",
        "no": "Không",
        "text_placeholder": "Nhập ý kiến (không bắt buộc)",
        "submit": "Gửi",
        "auto_submit": "Tự động gửi sau ít phút nếu không chạm",
        # thanks
        "thanks_title": "Xin cảm ơn!",
        "thanks_body": "Ý kiến của ông/bà đã được ghi nhận.",
        # staff panel
        "staff_title": "Bảng nhân viên",
        "staff_pin": "Mã PIN của đơn vị",
        "staff_open": "Mở",
        "staff_wrong_pin": "Mã PIN không đúng.",
        "staff_pin_required": "Đơn vị chưa đặt mã PIN: bảng này chỉ để xem. Muốn kết nối lại máy, "
        "hãy đặt mã PIN trong trang quản trị (Máy kiosk của đơn vị, hoặc Đơn vị → Sửa).",
        "staff_locked": "Nhập sai mã PIN quá nhiều lần. Thử lại sau {n} giây.",
        "staff_close": "Đóng",
        "staff_queued": "Đang chờ gửi",
        "staff_dead": "Bị máy chủ từ chối",
        "staff_dead_none": "Không có",
        "staff_dead_list": "Các ý kiến bị từ chối và lý do",
        "staff_last_sync": "Lần gửi thành công gần nhất",
        "staff_last_error": "Lỗi gần nhất",
        "staff_persisted": "Bộ nhớ bền vững",
        "staff_app_version": "Phiên bản ứng dụng",
        "staff_survey_version": "Phiên bản khảo sát",
        "staff_kiosk": "Máy",
        "staff_sync_now": "Gửi ngay",
        "staff_reenroll": "Kết nối lại",
        "staff_hand_over": "Gửi các ý kiến bị từ chối cho quản trị viên",
        "staff_handed_over": "Đã gửi {n} ý kiến lên máy chủ; quản trị viên sẽ xem xét và xử lý.",
        "staff_hand_over_failed": "Chưa gửi được (không có mạng hoặc máy chủ không nhận); "
        "các ý kiến vẫn được giữ trên máy.",
        "staff_reenroll_confirm": "Kết nối lại máy này? Các ý kiến đang chờ vẫn được giữ lại.",
        "staff_dead_other_unit": "thu thập cho đơn vị {unit}, nhưng máy nay thuộc đơn vị {current}",
        "staff_never": "Chưa có",
        "staff_none": "Không có",
        "staff_syncing": "Đang gửi…",
        "staff_error_network": "không có mạng hoặc máy chủ không trả lời",
        "staff_error_timeout": "máy chủ trả lời quá chậm",
        "staff_error_config": "không tải được cấu hình: không có mạng",
        "staff_sync_sent": "Đã gửi {n} ý kiến lên máy chủ.",
        "staff_sync_nothing": "Không có ý kiến nào cần gửi.",
        "staff_sync_rejected": "{n} ý kiến bị máy chủ từ chối (xem danh sách bên dưới).",
        "staff_sync_failed": "Gửi không thành công; {n} ý kiến vẫn được giữ trên máy và máy sẽ "
        "tự thử lại (xem “Lỗi gần nhất”).",
        "staff_sync_offline": "Máy đang không có mạng; {n} ý kiến vẫn được giữ trên máy và sẽ tự "
        "gửi khi có mạng.",
        "staff_sync_busy": "Một cửa sổ khác của ứng dụng đang gửi. Vui lòng thử lại sau giây lát.",
        "staff_persist_hint": "Trình duyệt có thể xoá ý kiến chưa gửi khi máy đầy bộ nhớ. Khắc "
        "phục: cài ứng dụng lên màn hình chính (menu trình duyệt → “Thêm vào màn hình chính”), "
        "rồi mở lại.",
        "yes_short": "Có",
        "no_short": "Không",
        "outbox_label": "Số ý kiến chưa gửi",
        # officials at the counter (SPEC 11)
        "official_serving": "Cán bộ phục vụ: {name}",
        "staff_official": "Cán bộ phục vụ tại quầy",
        "staff_official_none": "Không chọn",
        "staff_official_help": "Tự bỏ chọn vào cuối ngày.",
        "staff_official_pin_needed": "Cần mã PIN của đơn vị để chọn cán bộ.",
        "official_signin": "Cán bộ đăng nhập",
        "official_signin_title": "Cán bộ đăng nhập tại quầy",
        "official_signin_who": "Họ tên",
        "official_signin_pin": "Mã PIN của cán bộ (4–6 chữ số)",
        "official_signin_button": "Đăng nhập",
        "official_signin_cancel": "Huỷ",
        "official_signin_none": "Chưa có cán bộ nào đặt mã PIN riêng.",
        "official_signin_wrong": "Mã PIN không đúng.",
        # follow-up contact opt-in (SPEC 13)
        "contact_title": "Ông/bà đồng ý để Ủy ban MTTQ liên hệ khảo sát thêm?",
        "contact_phone": "Số điện thoại",
        "contact_placeholder": "Ví dụ: 0912 345 678",
        "contact_agree": "Đồng ý và gửi",
        "contact_skip": "Không, cảm ơn",
        "contact_invalid": "Số điện thoại chưa đúng. Vui lòng nhập số di động 10 chữ số (ví dụ "
        "0912 345 678) hoặc số cố định 11 chữ số (ví dụ 028 3829 1234).",
        "contact_version": "Phiên bản nội dung đồng ý: {version}",
    },
    "en": {
        "app_name": "Hài Lòng",
        "lang_vi": "Tiếng Việt",
        "lang_en": "English",
        "language": "Language",
        "enroll_title": "Connect this tablet to a unit",
        "enroll_help": "Enter the enrollment code from your administrator (like ABCD-EFGH).",
        "enroll_code": "Enrollment code",
        "enroll_button": "Connect",
        "enroll_working": "Connecting…",
        "enroll_invalid": "This enrollment code is not valid or has already been used. Check "
        "the code, or ask your administrator for a new one.",
        "enroll_expired": "This enrollment code has expired. Ask your administrator for a new one.",
        "enroll_empty": "Enter the enrollment code (like ABCD-EFGH).",
        "enroll_rate_limited": "Too many attempts. Wait a minute, then try again.",
        "enroll_server_error": "The server has a problem (error {status}). Try again in a few "
        "minutes.",
        "enroll_offline": "A network connection is needed to enroll the first time.",
        "enroll_kept": "Responses not yet sent: {n}. They are kept on this tablet and sent after "
        "enrolling it again for the same unit ({unit}).",
        "blocked_title": "This tablet is not enrolled any more — ask staff",
        "blocked_help": "Staff: ask your administrator for a new enrollment code for this unit "
        "and enter it here.",
        "blocked_revoked": "The tablet was revoked on the server.",
        "blocked_unknown": "The server no longer recognises this tablet.",
        "loading": "Loading…",
        "config_missing": "The survey settings could not be loaded yet. Please check the network.",
        "start_prompt": "How satisfied are you with our service today?",
        "start_hint": "Tap a face",
        "rating_1": "Very dissatisfied",
        "rating_2": "Dissatisfied",
        "rating_3": "Neutral",
        "rating_4": "Satisfied",
        "rating_5": "Very satisfied",
        "cooldown": "Please wait a moment…",
        "followup_title": "Thank you! A few more questions (optional)",
        "your_rating": "Your rating",
        "yes": "Yes",
        "no": "No",
        "text_placeholder": "Type your comment (optional)",
        "submit": "Send",
        "auto_submit": "Sent automatically if nobody touches the screen",
        "thanks_title": "Thank you!",
        "thanks_body": "Your feedback has been recorded.",
        "staff_title": "Staff panel",
        "staff_pin": "Unit PIN",
        "staff_open": "Open",
        "staff_wrong_pin": "Wrong PIN.",
        "staff_pin_required": "This unit has no staff PIN: this panel is read-only. To re-enroll "
        "the tablet, set a PIN in the admin pages (the unit's Kiosks page, or Units → Edit).",
        "staff_locked": "Too many wrong PINs. Try again in {n} s.",
        "staff_close": "Close",
        "staff_queued": "Waiting to be sent",
        "staff_dead": "Rejected by the server",
        "staff_dead_none": "None",
        "staff_dead_list": "Rejected responses and why",
        "staff_last_sync": "Last successful sync",
        "staff_last_error": "Last error",
        "staff_persisted": "Persistent storage",
        "staff_app_version": "App version",
        "staff_survey_version": "Survey version",
        "staff_kiosk": "Kiosk",
        "staff_sync_now": "Sync now",
        "staff_reenroll": "Re-enroll",
        "staff_hand_over": "Send refused responses to the administrators",
        "staff_handed_over": "{n} responses sent to the server; an administrator will review them.",
        "staff_hand_over_failed": "Not sent (no network, or the server refused); the responses "
        "are kept on this tablet.",
        "staff_reenroll_confirm": "Re-enroll this tablet? Queued responses are kept.",
        "staff_dead_other_unit": "collected for unit {unit}, but this tablet now belongs to "
        "{current}",
        "staff_never": "Never",
        "staff_none": "None",
        "staff_syncing": "Sending…",
        "staff_error_network": "no network, or the server did not answer",
        "staff_error_timeout": "the server took too long to answer",
        "staff_error_config": "could not load the settings: no network",
        "staff_sync_sent": "Responses sent to the server: {n}.",
        "staff_sync_nothing": "Nothing to send.",
        "staff_sync_rejected": "Rejected by the server: {n} (see the list below).",
        "staff_sync_failed": "Sending failed. Responses kept on this tablet: {n}; it retries by "
        "itself (see “Last error”).",
        "staff_sync_offline": "This tablet is offline. Responses kept on it: {n}; they are sent "
        "when the network is back.",
        "staff_sync_busy": "Another window of the app is sending. Try again in a moment.",
        "staff_persist_hint": "The browser may delete unsent responses when the tablet runs out "
        "of space. To fix it: install the app on the home screen (browser menu → “Add to Home "
        "screen”), then reopen it.",
        "yes_short": "Yes",
        "no_short": "No",
        "outbox_label": "Responses not yet sent",
        "official_serving": "Serving you: {name}",
        "staff_official": "Official serving at this counter",
        "staff_official_none": "Nobody",
        "staff_official_help": "Cleared automatically at the end of the day.",
        "staff_official_pin_needed": "The unit PIN is needed to choose an official.",
        "official_signin": "Official sign-in",
        "official_signin_title": "Official sign-in at the counter",
        "official_signin_who": "Name",
        "official_signin_pin": "Your PIN (4–6 digits)",
        "official_signin_button": "Sign in",
        "official_signin_cancel": "Cancel",
        "official_signin_none": "No official has set a PIN of their own yet.",
        "official_signin_wrong": "Wrong PIN.",
        "contact_title": "May the Fatherland Front Committee contact you for a follow-up survey?",
        "contact_phone": "Phone number",
        "contact_placeholder": "For example: 0912 345 678",
        "contact_agree": "Agree and send",
        "contact_skip": "No, thank you",
        "contact_invalid": "This phone number is not valid. Enter a 10-digit mobile number (e.g. "
        "0912 345 678) or an 11-digit landline (e.g. 028 3829 1234).",
        "contact_version": "Consent text version: {version}",
    },
}


def kiosk_strings() -> dict[str, dict[str, str]]:
    """A copy of the kiosk strings, `{"vi": {...}, "en": {...}}`."""
    return {lang: dict(table) for lang, table in KIOSK_STRINGS.items()}
