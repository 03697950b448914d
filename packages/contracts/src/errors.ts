/** Stable error codes with their zh-CN and en messages; the server answers in the request's language. */
export const errorMessages = {
  'request.invalid': { 'zh-CN': '请求参数有误', en: 'The request is invalid' },
  'request.bad_json': { 'zh-CN': '请求体不是合法的 JSON', en: 'The request body is not valid JSON' },
  'request.too_large': { 'zh-CN': '请求体过大', en: 'The request body is too large' },
  'request.unsupported_media_type': { 'zh-CN': '不支持的内容类型', en: 'Unsupported content type' },
  'request.not_found': { 'zh-CN': '请求的地址不存在', en: 'No such route' },
  'request.rate_limited': { 'zh-CN': '请求过于频繁，请稍后再试', en: 'Too many requests, please retry later' },
  'request.idempotency_conflict': {
    'zh-CN': '相同的幂等键已用于另一个请求',
    en: 'This Idempotency-Key was already used for a different request',
  },
  'field.required': { 'zh-CN': '必填', en: 'Required' },
  'field.type': { 'zh-CN': '类型不正确', en: 'Wrong type' },
  'field.format': { 'zh-CN': '格式不正确', en: 'Wrong format' },
  'field.too_long': { 'zh-CN': '过长', en: 'Too long' },
  'field.too_short': { 'zh-CN': '过短', en: 'Too short' },
  'field.out_of_range': { 'zh-CN': '超出允许范围', en: 'Out of range' },
  'field.not_allowed': { 'zh-CN': '不允许的字段或取值', en: 'Field or value not allowed' },
  'id_number.format': {
    'zh-CN': '身份证号码应为 18 位，末位可为 X',
    en: 'An ID number has 18 characters; the last may be X',
  },
  'id_number.region': { 'zh-CN': '身份证号码的地区码无效', en: 'The region code of the ID number is not valid' },
  'id_number.birth_date': { 'zh-CN': '身份证号码的出生日期无效', en: 'The birth date in the ID number is not valid' },
  'id_number.checksum': { 'zh-CN': '身份证号码校验位不正确', en: 'The check digit of the ID number is wrong' },
  'phone.format': { 'zh-CN': '请输入 11 位中国大陆手机号码', en: 'Enter an 11-digit mainland China mobile number' },
  'credit_code.format': { 'zh-CN': '统一社会信用代码应为 18 位', en: 'A unified social credit code has 18 characters' },
  'credit_code.checksum': {
    'zh-CN': '统一社会信用代码校验位不正确',
    en: 'The check character of the credit code is wrong',
  },
  'region.unknown': { 'zh-CN': '行政区划代码不存在', en: 'Unknown region code' },
  'region.outside_jurisdiction': { 'zh-CN': '超出您的管辖范围', en: 'Outside your jurisdiction' },
  'auth.unauthenticated': { 'zh-CN': '请先登录', en: 'Please sign in' },
  'auth.session_expired': { 'zh-CN': '登录已过期，请重新登录', en: 'Your session has expired, please sign in again' },
  'auth.bad_credentials': { 'zh-CN': '用户名或密码错误', en: 'Wrong username or password' },
  'auth.totp_required': { 'zh-CN': '请输入动态验证码', en: 'Enter your authenticator code' },
  'auth.totp_invalid': { 'zh-CN': '动态验证码错误', en: 'Wrong authenticator code' },
  'auth.locked': {
    'zh-CN': '错误次数过多，账号已暂时锁定',
    en: 'Too many failed attempts; the account is locked for a while',
  },
  'auth.disabled': { 'zh-CN': '账号已停用', en: 'This account is disabled' },
  'auth.csrf': { 'zh-CN': '安全校验失败，请刷新页面后重试', en: 'Security check failed; reload the page and retry' },
  'auth.bad_token': { 'zh-CN': '访问令牌无效或已吊销', en: 'The API token is invalid or revoked' },
  'auth.forbidden': { 'zh-CN': '您没有执行此操作的权限', en: 'You are not allowed to do this' },
  'sms.code_invalid': { 'zh-CN': '验证码错误或已过期', en: 'The code is wrong or has expired' },
  'sms.too_soon': {
    'zh-CN': '验证码发送过于频繁，请稍后再试',
    en: 'A code was sent just now; wait before asking again',
  },
  'sms.daily_limit': {
    'zh-CN': '该号码今日获取验证码次数已达上限，请明天再试',
    en: 'This number has had all its codes for today; try again tomorrow',
  },
  'sms.unavailable': { 'zh-CN': '短信服务暂不可用', en: 'The SMS service is unavailable' },
  'staff.username_taken': { 'zh-CN': '用户名已被使用', en: 'This username is taken' },
  'staff.weak_password': {
    'zh-CN': '密码至少 10 位，并包含字母和数字',
    en: 'A password needs at least 10 characters with letters and digits',
  },
  'staff.role_needs_region': {
    'zh-CN': '该角色需要绑定到行政区划或网格',
    en: 'This role must be bound to a region or grid',
  },
  'resident.id_number_taken': { 'zh-CN': '该身份证号码已登记', en: 'This ID number is already registered' },
  'resident.not_found': { 'zh-CN': '居民不存在', en: 'No such resident' },
  'credentials.bad_trust_list': {
    'zh-CN': '信任列表格式不正确，应为政通信任列表 JSON',
    en: 'Not a valid Zhengtong trust list JSON',
  },
  'credentials.trust_list_unreachable': {
    'zh-CN': '无法下载该地址的信任列表',
    en: 'The trust list could not be downloaded from that address',
  },
  'credentials.own_issuer': {
    'zh-CN': '不能导入本实例自己的信任列表',
    en: "This instance's own trust list cannot be imported",
  },
  'credentials.bad_dcc_keys': {
    'zh-CN': 'DCC 签名密钥格式不正确，应为 {"keys":[{kid,country,spki}]}',
    en: 'Not a valid DCC signer key list: {"keys":[{kid,country,spki}]}',
  },
  'credentials.key_not_found': { 'zh-CN': '密钥不存在', en: 'No such key' },
  'credentials.key_status': {
    'zh-CN': '该密钥的状态不允许此操作',
    en: 'The key is not in a state that allows this',
  },
  'health_code.no_resident': {
    'zh-CN': '您的账号尚未关联居民信息，请先到社区登记',
    en: 'Your account is not linked to a resident record yet; register with your community first',
  },
  'health_code.consent_required': {
    'zh-CN': '请先阅读并同意个人信息处理规则',
    en: 'Please read and accept how your personal data is processed',
  },
  'health_code.declaration_required': {
    'zh-CN': '请先填写健康申报',
    en: 'Please fill in a health declaration first',
  },
  'health_code.temperature_range': {
    'zh-CN': '体温应在 34.0 到 43.0 °C 之间',
    en: 'Temperature must be between 34.0 and 43.0 degrees Celsius',
  },
  'health_code.date_range': {
    'zh-CN': '日期应在最近 14 天内且不晚于今天',
    en: 'The date must be within the last 14 days and not in the future',
  },
  'health_code.proxy_no_match': {
    'zh-CN': '身份证号码与姓名不匹配，或此人尚未登记',
    en: 'The ID number and name do not match a registered person',
  },
  'health_code.proxy_self': { 'zh-CN': '不能为自己代申报', en: 'You cannot be your own proxy' },
  'health_code.proxy_limit': {
    'zh-CN': '代管人数已达上限',
    en: 'You already hold codes for the maximum number of people',
  },
  'health_code.appeal_open': {
    'zh-CN': '您已有一项申诉正在处理中',
    en: 'You already have an appeal being handled',
  },
  'health_code.appeal_decided': { 'zh-CN': '该申诉已处理', en: 'This appeal has already been decided' },
  'health_code.override_period': {
    'zh-CN': '人工调整的到期时间应在未来 30 天内',
    en: 'A manual colour must end within the next 30 days',
  },
  'health_code.override_same_official': {
    'zh-CN': '人工调整须由另一名工作人员审批',
    en: 'A manual colour must be approved by another official',
  },
  'health_code.override_decided': {
    'zh-CN': '该人工调整已审批或已结束',
    en: 'This manual colour was already decided or has ended',
  },
  'rules.duplicate_id': { 'zh-CN': '规则编号重复', en: 'Duplicate rule id' },
  'rules.bad_condition': {
    'zh-CN': '条件与该事实的类型不符',
    en: 'The condition does not fit the type of its fact',
  },
  'rules.text_required': {
    'zh-CN': '发布前请为每条规则填写中英文的原因和建议',
    en: 'Before publishing, give every rule its reason and advice in both languages',
  },
  'rules.not_draft': { 'zh-CN': '只能修改或发布草稿', en: 'Only a draft can be edited or published' },
  'case.onset_after_diagnosis': {
    'zh-CN': '发病日期不能晚于诊断日期',
    en: 'The onset date cannot be after the diagnosis',
  },
  'case.in_future': { 'zh-CN': '时间不能晚于现在', en: 'The time cannot be in the future' },
  'case.person_required': {
    'zh-CN': '未找到该身份证号对应的居民，请填写姓名',
    en: 'No resident holds this ID number: enter the name',
  },
  'case.sample_has_result': { 'zh-CN': '该样本已有检测结果', en: 'This sample already has a result' },
  'case.closed': { 'zh-CN': '该病例已结案', en: 'This case is closed' },
  'case.merged': {
    'zh-CN': '该报告已合并到另一病例，请在合并后的病例上操作',
    en: 'This report was merged into another case: work on that case',
  },
  'case.not_merged': { 'zh-CN': '该报告没有被合并', en: 'This report was not merged' },
  'case.merge_self': { 'zh-CN': '不能与自身合并', en: 'A case cannot be merged with itself' },
  'case.source_note': { 'zh-CN': '请说明输入来源地', en: 'Say where an imported case came from' },
  'tracing.place_required': {
    'zh-CN': '请选择场所码，或填写场所名称',
    en: 'Choose a place code or enter the name of the place',
  },
  'tracing.window': {
    'zh-CN': '离开时间应晚于到达时间，停留不超过 24 小时，且不晚于现在',
    en: 'The end must follow the start, within 24 hours, and not be in the future',
  },
  'tracing.same_case': { 'zh-CN': '不能关联病例自身', en: 'A case cannot be linked to itself' },
  'tracing.link_exists': { 'zh-CN': '这两个病例已经关联', en: 'These two cases are already linked' },
  'import.too_large': {
    'zh-CN': '文件超过允许导入的大小（ZT_IMPORT_MAX_BYTES）',
    en: 'The file is larger than imports allow (ZT_IMPORT_MAX_BYTES)',
  },
  'import.chunk_offset': {
    'zh-CN': '分片顺序不对：请从已上传的字节数处继续上传',
    en: 'Chunk out of order: continue from the bytes already uploaded',
  },
  'import.chunk_size': {
    'zh-CN': '分片大小不对：每片应为规定的大小，最后一片可以较小，总大小不能超过申报的文件大小',
    en: 'Wrong chunk size: each chunk has the given size, the last may be shorter, and all fit the declared file size',
  },
  'import.chunk_mismatch': {
    'zh-CN': '该位置已上传了不同的内容',
    en: 'Different bytes were already uploaded at this offset',
  },
  'import.not_uploading': {
    'zh-CN': '该导入已提交，不能再上传分片',
    en: 'This import was submitted; no more chunks can be uploaded',
  },
  'import.incomplete': {
    'zh-CN': '文件尚未上传完整',
    en: 'The file has not been uploaded completely',
  },
  'import.not_finished': { 'zh-CN': '导入尚未完成', en: 'The import has not finished' },
  'import.columns': {
    'zh-CN': '表头不符合要求：缺少必需的列，或有无法识别的列，整个文件未导入',
    en: 'The header is wrong: required columns are missing or some are unknown; nothing was imported',
  },
  'import.missing_column': { 'zh-CN': '缺少必需的列', en: 'Required column missing' },
  'import.unknown_column': { 'zh-CN': '无法识别的列', en: 'Unknown column' },
  'import.duplicate_column': { 'zh-CN': '列重复', en: 'Column repeated' },
  'import.empty': { 'zh-CN': '文件没有表头或没有数据', en: 'The file has no header or no rows' },
  'import.csv_malformed': {
    'zh-CN': 'CSV 文件格式错误（例如引号未闭合），导入已撤销',
    en: 'The CSV file is malformed (for example an unclosed quote); the import was undone',
  },
  'import.xlsx_malformed': {
    'zh-CN': '无法读取该 XLSX 文件，导入已撤销',
    en: 'The XLSX file cannot be read; the import was undone',
  },
  'import.gave_up': {
    'zh-CN': '导入多次中断后停止，已导入的行已撤销',
    en: 'The import stopped after repeated interruptions; its rows were undone',
  },
  'import.column_count': {
    'zh-CN': '该行的列数与表头不一致',
    en: 'The row has a different number of cells than the header',
  },
  'import.mode': {
    'zh-CN': '交通方式应为 火车/航班/汽车（train、flight、bus）',
    en: 'The mode must be train, flight or bus',
  },
  'trip.train_number': {
    'zh-CN': '车次格式不正确，例如 G1234、K81、1461',
    en: 'Not a train number: for example G1234, K81 or 1461',
  },
  'trip.flight_number': {
    'zh-CN': '航班号格式不正确，例如 CZ3456、MU5101',
    en: 'Not a flight number: for example CZ3456 or MU5101',
  },
  'trip.bus_number': {
    'zh-CN': '班次或车牌格式不正确，例如 301、鄂A12345',
    en: 'Not a bus route or licence plate: for example route 301 or a plate number',
  },
  'trip.seat_format': {
    'zh-CN': '座位号格式不正确，例如 12F（航班、高铁）或 045（硬座）',
    en: 'Not a seat: for example 12F (flight, high-speed train) or 045 (hard seat)',
  },
  'trip.carriage_flight': { 'zh-CN': '航班没有车厢号', en: 'A flight has no carriage' },
  'trip.date_range': {
    'zh-CN': '出行日期应在最近 60 天内且不晚于今天',
    en: 'The travel date must be within the last 60 days and not in the future',
  },
  'community.task_closed': { 'zh-CN': '该任务已结束', en: 'This task has ended' },
  'community.outside_period': {
    'zh-CN': '不在医学观察期内',
    en: 'Not within the observation period',
  },
  'community.no_observation': {
    'zh-CN': '您当前没有需要打卡的医学观察',
    en: 'You have no medical observation to report on',
  },
  'export.not_ready': { 'zh-CN': '导出文件尚未生成完毕', en: 'The export is not ready yet' },
  'export.failed': { 'zh-CN': '导出失败，请重新导出', en: 'The export failed; start it again' },
  'place.limit': { 'zh-CN': '每人最多登记 5 个场所', en: 'One person may register at most 5 places' },
  'place.not_found': { 'zh-CN': '场所码无效或场所已停用', en: 'Unknown place code or the place is closed' },
  'reservation.site_outside': {
    'zh-CN': '预约点应在活动的地区之内',
    en: "A site must lie within the campaign's region",
  },
  'reservation.slot_window': { 'zh-CN': '时段的结束时间应晚于开始时间', en: 'A slot must end after it starts' },
  'reservation.not_draft': { 'zh-CN': '只有草稿状态的活动可以开放', en: 'Only a draft campaign can be opened' },
  'reservation.not_open': { 'zh-CN': '该预约活动未开放', en: 'This campaign is not open' },
  'reservation.slot_not_found': { 'zh-CN': '预约时段不存在', en: 'No such time slot' },
  'reservation.slot_over': { 'zh-CN': '该时段已结束', en: 'This time slot is over' },
  'reservation.not_eligible': {
    'zh-CN': '该活动仅面向本地区居民',
    en: 'This campaign is only for residents of its region',
  },
  'reservation.already': { 'zh-CN': '您已预约过本次活动', en: 'You already have a reservation in this campaign' },
  'reservation.too_soon': {
    'zh-CN': '距您上次预约同类物资的时间太近',
    en: 'Your last reservation of this kind was too recent',
  },
  'reservation.waiting': {
    'zh-CN': '正在排队，请稍候，轮到您时即可预约',
    en: 'You are in the waiting room; you can reserve when it is your turn',
  },
  'reservation.ticket_invalid': {
    'zh-CN': '排队凭证无效或已过期，请重新进入排队',
    en: 'The waiting-room ticket is not valid or has expired; join the line again',
  },
  'reservation.in_progress': {
    'zh-CN': '您的预约正在处理中，请勿重复提交',
    en: 'Your reservation is being made; please do not submit it twice',
  },
  'reservation.registration_required': {
    'zh-CN': '抽签活动需要设置登记截止时间',
    en: 'A lottery needs the end of its registration period',
  },
  'reservation.lottery_only': {
    'zh-CN': '本活动通过抽签分配，请登记参加抽签',
    en: 'Places of this campaign are drawn by lottery; register for the draw',
  },
  'reservation.registration_closed': { 'zh-CN': '登记已截止', en: 'Registration has closed' },
  'reservation.registration_open': {
    'zh-CN': '登记尚未截止，截止后才能抽签',
    en: 'Registration is still open; the draw comes after it closes',
  },
  'reservation.already_drawn': { 'zh-CN': '本活动已经抽过签', en: 'This lottery has been drawn already' },
  'reservation.already_registered': {
    'zh-CN': '您已登记本次活动',
    en: 'You are already registered for this campaign',
  },
  'reservation.places_left': {
    'zh-CN': '还有名额，可直接预约',
    en: 'Places are left: reserve one directly',
  },
  'reservation.entry_decided': { 'zh-CN': '该登记已有结果', en: 'This registration has been decided' },
  'reservation.not_drawn': { 'zh-CN': '尚未抽签', en: 'The lottery has not been drawn yet' },
  'reservation.not_yet_open': { 'zh-CN': '活动尚未开始，请在开始后预约', en: 'The campaign has not opened yet' },
  'reservation.sold_out': { 'zh-CN': '该时段已约满', en: 'This time slot is fully booked' },
  'reservation.confirmed': { 'zh-CN': '预约已确认', en: 'The reservation is confirmed' },
  'reservation.redeemed': { 'zh-CN': '预约已领取', en: 'The reservation was already picked up' },
  'reservation.cancelled': { 'zh-CN': '预约已取消', en: 'The reservation was cancelled' },
  'reservation.expired': { 'zh-CN': '预约已过期', en: 'The reservation has expired' },
  'reservation.site_not_found': { 'zh-CN': '预约点不存在或不在您的管辖范围', en: 'Unknown site, or not yours' },
  'pickup.invalid': { 'zh-CN': '不是有效的取货码', en: 'Not a valid pickup code' },
  'pickup.expired': { 'zh-CN': '取货码已过期', en: 'The pickup code has expired' },
  'pickup.other_site': { 'zh-CN': '该取货码属于其他预约点', en: 'This pickup code belongs to another site' },
  'pickup.none_for_person': {
    'zh-CN': '此人在本预约点没有待领取的预约',
    en: 'This person has no reservation to pick up at this site',
  },
  'reservation.person_not_found': {
    'zh-CN': '未找到身份证号与姓名相符的辖区居民',
    en: 'No resident of your jurisdiction matches this ID number and name',
  },
  'pickup.already_redeemed': { 'zh-CN': '该取货码已使用', en: 'This pickup code was already used' },
  'supplies.item_code_taken': { 'zh-CN': '物资编码已存在', en: 'This item code is taken' },
  'supplies.item_not_found': { 'zh-CN': '物资不存在', en: 'No such item' },
  'supplies.substitute_unknown': { 'zh-CN': '替代物资不存在或是其本身', en: 'Unknown substitute, or the item itself' },
  'supplies.location_not_found': {
    'zh-CN': '库存点不存在或不在您的管辖范围',
    en: 'Unknown stock location, or not yours',
  },
  'supplies.location_kind': { 'zh-CN': '该库存点类型不能办理此业务', en: 'This kind of location cannot do that' },
  'supplies.unit_not_of_item': {
    'zh-CN': '请按该物资的计量单位或包装单位填写',
    en: "Count it in the item's unit or its pack",
  },
  'supplies.pack_unit_same': {
    'zh-CN': '包装单位应与计量单位不同',
    en: 'The pack unit must differ from the unit',
  },
  'supplies.thresholds': {
    'zh-CN': '紧急订货点应小于最低库存天数',
    en: 'The emergency order point must be below the minimum days',
  },
  'supplies.insufficient_stock': { 'zh-CN': '库存不足', en: 'Not enough stock' },
  'supplies.lot_expired': { 'zh-CN': '该批次已过有效期，不能出库', en: 'This lot is past its expiry date' },
  'supplies.lot_not_found': { 'zh-CN': '该库存点没有这个批次', en: 'No such lot at this location' },
  'supplies.lot_item': {
    'zh-CN': '批号已登记为其他物资或其他效期',
    en: 'This lot number is held by another item or expiry',
  },
  'supplies.expired_on_receipt': { 'zh-CN': '不能入库已过期的批次', en: 'An expired lot cannot be received' },
  'supplies.adjustment_zero': { 'zh-CN': '调整数量不能为 0', en: 'An adjustment cannot be zero' },
  'supplies.duplicate_line': { 'zh-CN': '同一物资重复填写', en: 'The same item is listed twice' },
  'supplies.request_not_found': { 'zh-CN': '申领单不存在', en: 'No such request' },
  'supplies.request_closed': { 'zh-CN': '申领单已关闭', en: 'This request is closed' },
  'supplies.transfer_cancelled': { 'zh-CN': '该调拨已撤销', en: 'This transfer was cancelled' },
  'supplies.not_substitute': {
    'zh-CN': '该物资不是申领物资的可替代品',
    en: 'This item may not replace the requested one',
  },
  'supplies.over_allocated': { 'zh-CN': '分配数量超过申领数量', en: 'More than was requested' },
  'supplies.transfer_not_found': { 'zh-CN': '调拨单不存在', en: 'No such transfer' },
  'supplies.already_dispatched': { 'zh-CN': '调拨单已发运', en: 'This transfer was already dispatched' },
  'supplies.not_dispatched': { 'zh-CN': '调拨单尚未发运', en: 'This transfer has not been dispatched' },
  'supplies.already_delivered': { 'zh-CN': '调拨单已签收，不能重复签收', en: 'This transfer was already delivered' },
  'supplies.received_too_many': { 'zh-CN': '签收数量不能超过发运数量', en: 'More received than was dispatched' },
  'supplies.shortfall_note': {
    'zh-CN': '实收少于发运数量，请在备注中说明短少原因',
    en: 'Fewer arrived than were dispatched: say why in the note',
  },
  'supplies.same_location': { 'zh-CN': '调出与调入不能是同一地点', en: 'Source and destination are the same' },
  'supplies.donation_not_found': { 'zh-CN': '捐赠记录不存在', en: 'No such donation' },
  'supplies.donor_name_required': { 'zh-CN': '请填写捐赠方名称', en: "Enter the donor's name" },
  'supplies.ledger_entry_not_found': { 'zh-CN': '公示记录不存在', en: 'No such ledger entry' },
  'supplies.posting_not_found': { 'zh-CN': '供需信息不存在', en: 'No such posting' },
  'supplies.posting_closed': { 'zh-CN': '该供需信息已关闭或已过期', en: 'This posting is closed or has expired' },
  'supplies.posting_not_yours': {
    'zh-CN': '只能修改本人发布的供需信息',
    en: 'Only the one who posted it may change this posting',
  },
  'supplies.kind_not_allowed': {
    'zh-CN': '居民只能发布农产品供应或需求',
    en: 'Residents may post produce or a need only',
  },
  'supplies.until_before_from': { 'zh-CN': '截止日期不能早于开始日期', en: 'The last day is before the first day' },
  'supplies.until_past': { 'zh-CN': '截止日期已过', en: 'The last day has already passed' },
  'supplies.goods_required': {
    'zh-CN': '请选择目录物资，或填写产品名称或农产品类别',
    en: 'Choose a catalogue item, or give a product name or produce category',
  },
  'supplies.goods_item_or_product': {
    'zh-CN': '目录物资与农产品类别不能同时填写',
    en: 'Give either a catalogue item or a produce category, not both',
  },
  'supplies.produce_category_required': { 'zh-CN': '请选择农产品类别', en: 'Choose a produce category' },
  'supplies.per_day_capacity_only': {
    'zh-CN': '只有产能可以按每天计',
    en: 'Only a capacity may be counted per day',
  },
  'supplies.price_produce_only': { 'zh-CN': '只有农产品可以填写价格', en: 'Only produce may have a price' },
  'supplies.quantity_below_matched': {
    'zh-CN': '数量不能少于已对接成交的数量',
    en: 'The quantity is below what confirmed matches already took',
  },
  'supplies.match_not_found': { 'zh-CN': '对接记录不存在', en: 'No such match' },
  'supplies.match_not_party': {
    'zh-CN': '您不是该对接的供方或需方',
    en: 'You are not one of the two sides of this match',
  },
  'supplies.match_already_accepted': { 'zh-CN': '您已确认过该对接', en: 'You have already accepted this match' },
  'supplies.match_closed': {
    'zh-CN': '该对接已成交、已拒绝或已撤回',
    en: 'This match is already confirmed, declined or withdrawn',
  },
  'supplies.match_not_confirmed': {
    'zh-CN': '双方确认对接后才能查看对方联系方式',
    en: 'Contacts are shown once both sides have accepted',
  },
  'supplies.match_quantity_gone': {
    'zh-CN': '一方的可对接数量已用完',
    en: 'One side has nothing left open to match',
  },
  'resource.not_found': { 'zh-CN': '记录不存在', en: 'Not found' },
  'resource.conflict': { 'zh-CN': '记录已被修改或已存在', en: 'The record changed or already exists' },
  'server.busy': {
    'zh-CN': '当前访问人数过多，请稍后再试',
    en: 'Too many people at once; please retry in a few seconds',
  },
  'server.unavailable': { 'zh-CN': '服务暂不可用，请稍后再试', en: 'The service is unavailable; please retry later' },
  'server.internal': { 'zh-CN': '服务器内部错误', en: 'Internal server error' },
} as const satisfies Record<string, { 'zh-CN': string; en: string }>;

export type ErrorCode = keyof typeof errorMessages;
export type Locale = 'zh-CN' | 'en';

export function errorMessage(code: ErrorCode, locale: Locale): string {
  return errorMessages[code][locale];
}
