"""The column layout of form JJ-001 (技术合同认定登记表) as the national 技术合同管理与服务系统 exports it:
one contract registration a row, defined once here and used by the import template, the import's
reader and the export, so an exported file imports again unchanged.

Each ``Column`` names its Chinese header (the file's own, language-independent), the field of
``ContractRegistration`` it fills and its kind of value. Choice columns are written and read as the
Chinese terms of the national form (``委托开发``, ``一次总算一次总付``); a code column holds the code of its
code list (``卖方性质`` ``150``, ``国别代码`` ``142``). docs/contract-imports.md describes the layout.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from achievements.choices import IPKind
from market.choices import CONTRACT_NO_IP, ContractCategory, ContractSubType, LicenceScope, PaymentMethod

DATA_SHEET = "合同登记"
INSTRUCTIONS_SHEET = "说明"
OPTIONS_SHEET = "选项"
# The most rows one imported file may hold.
MAX_ROWS = 20_000


class Kind:
    TEXT = "text"
    NUMBER16 = "number16"  # 合同登记编号: 16 digits, never parsed
    DATE = "date"
    AMOUNT = "amount"
    CHOICE = "choice"  # a Chinese term of ``TERMS``
    CODE = "code"  # a code of a code list (``scheme``)
    REGION = "region"  # a GB/T 2260 code of all China
    CREDIT_CODE = "credit_code"
    ID_NUMBER = "id_number"


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    kind: str
    required: bool = False
    help: str = ""
    example: str = ""
    scheme: str = ""  # the code list of a CODE column
    width: int = 16


# The Chinese terms of the choice columns, as the national form prints them.
TERMS: dict[str, dict[str, str]] = {
    "contract_category": {
        ContractCategory.DEVELOPMENT: "技术开发",
        ContractCategory.TRANSFER: "技术转让",
        ContractCategory.LICENCE: "技术许可",
        ContractCategory.CONSULTING: "技术咨询",
        ContractCategory.SERVICE: "技术服务",
    },
    "sub_type": {
        ContractSubType.COMMISSIONED_DEVELOPMENT: "委托开发",
        ContractSubType.COOPERATIVE_DEVELOPMENT: "合作开发",
        ContractSubType.PATENT_RIGHT: "专利权转让",
        ContractSubType.PATENT_APPLICATION_RIGHT: "专利申请权转让",
        ContractSubType.TECHNICAL_SECRET_TRANSFER: "技术秘密转让",
        ContractSubType.OTHER_IP_TRANSFER: "其他知识产权转让",
        ContractSubType.TECHNOLOGY_EQUITY: "技术入股",
        ContractSubType.PATENT_LICENCE: "专利实施许可",
        ContractSubType.TECHNICAL_SECRET_LICENCE: "技术秘密使用许可",
        ContractSubType.FEASIBILITY: "可行性论证",
        ContractSubType.FORECAST: "技术预测",
        ContractSubType.SPECIAL_SURVEY: "专题调查",
        ContractSubType.EVALUATION_REPORT: "分析评价报告",
        ContractSubType.TECHNICAL_SERVICE: "技术服务",
        ContractSubType.TECHNICAL_TRAINING: "技术培训",
        ContractSubType.TECHNICAL_INTERMEDIARY: "技术中介",
    },
    "licence_scope": {
        LicenceScope.EXCLUSIVE: "独占",
        LicenceScope.SOLE: "排他",
        LicenceScope.ORDINARY: "普通",
    },
    "ip_type": {
        IPKind.INVENTION_PATENT: "发明专利",
        IPKind.UTILITY_MODEL: "实用新型专利",
        IPKind.DESIGN_PATENT: "外观设计专利",
        IPKind.SOFTWARE_COPYRIGHT: "计算机软件著作权",
        IPKind.TECHNICAL_SECRET: "技术秘密",
        IPKind.PLANT_VARIETY: "植物新品种",
        IPKind.IC_LAYOUT: "集成电路布图设计",
        CONTRACT_NO_IP: "未涉及知识产权",
    },
    "payment_method": {
        PaymentMethod.LUMP_SUM: "一次总算一次总付",
        PaymentMethod.INSTALMENTS: "一次总算分期支付",
        PaymentMethod.ROYALTY: "提成支付",
        PaymentMethod.ROYALTY_WITH_FEE: "提成支付附加预付入门费",
    },
}
# Term → value, the stored values accepted too.
TERM_VALUES: dict[str, dict[str, str]] = {
    field: {**{value: value for value in terms}, **{term: value for value, term in terms.items()}}
    for field, terms in TERMS.items()
}


def _party(side: str, name: str) -> list[Column]:
    return [
        Column(f"{name}名称", f"{side}_name", Kind.TEXT, True, _("Name in Chinese."), "四川大学", width=30),
        Column(
            f"{name}原文名称",
            f"{side}_name_original",
            Kind.TEXT,
            help=_("A foreign party's name in its original language."),
            example="Example GmbH",
            width=24,
        ),
        Column(
            f"{name}统一社会信用代码",
            f"{side}_credit_code",
            Kind.CREDIT_CODE,
            help=_("18 characters (GB 32100); blank for a foreign party or a natural person."),
            example="12100000400000624D",
            width=22,
        ),
        Column(
            f"{name}身份证件号码",
            f"{side}_id_number",
            Kind.ID_NUMBER,
            help=_("A natural person's identity number (the party is then a person)."),
            width=22,
        ),
        Column(
            f"{name}性质",
            f"{side}_entity_type",
            Kind.CODE,
            True,
            _("买/卖方性质 code (from 400: a natural person)."),
            "022",
            scheme="entity_type",
        ),
        Column(
            f"{name}国别代码",
            f"{side}_country_code",
            Kind.CODE,
            True,
            _("Customs country code, 3 digits; 142 is China (any other: a foreign party)."),
            "142",
            scheme="country",
        ),
        Column(
            f"{name}行政区划代码",
            f"{side}_region_code",
            Kind.REGION,
            help=_("GB/T 2260 code, 6 digits; required in China, blank for a foreign party."),
            example="510107",
        ),
    ]


COLUMNS: tuple[Column, ...] = (
    Column(
        "合同登记编号",
        "registration_number",
        Kind.NUMBER16,
        True,
        _("The 16-digit number the registration body gave; a row is identified by it."),
        "5101012024000001",
        width=20,
    ),
    Column("全国系统编号", "national_number", Kind.TEXT, help=_("The number in the national system."), width=20),
    Column("项目名称", "project_name", Kind.TEXT, True, _("The contract's title."), "锂电池正极材料制备技术开发", width=36),
    Column("合同类别", "contract_category", Kind.CHOICE, True, _("One of the five categories."), "技术开发"),
    Column("合同子类", "sub_type", Kind.CHOICE, True, _("A sub-type of the category."), "委托开发"),
    Column("许可方式", "licence_scope", Kind.CHOICE, help=_("Technology licences only."), example=""),
    Column("签订日期", "signed_on", Kind.DATE, True, _("Date (YYYY-MM-DD)."), "2024-03-15", width=12),
    Column("有效期限起", "valid_from", Kind.DATE, True, _("Date (YYYY-MM-DD)."), "2024-03-15", width=12),
    Column("有效期限止", "valid_until", Kind.DATE, True, _("Date (YYYY-MM-DD), not before the start."), "2025-03-14", width=12),
    *_party("seller", "卖方"),
    *_party("buyer", "买方"),
    Column(
        "技术领域", "technology_field", Kind.CODE, help=_("技术领域 code."), example="03", scheme="technology_field"
    ),
    Column("知识产权类型", "ip_type", Kind.CHOICE, True, _("The kind of IP the contract concerns."), "发明专利"),
    Column("计划类别", "plan_category", Kind.CODE, help=_("计划类别 code."), scheme="plan_category"),
    Column(
        "社会经济目标", "socio_economic_goal", Kind.CODE, help=_("社会经济目标 code."), scheme="socio_economic_goal"
    ),
    Column("交易主体", "trade_subject", Kind.CODE, help=_("交易主体 code."), scheme="trade_subject"),
    Column("合同金额（元）", "contract_amount", Kind.AMOUNT, True, _("Yuan, at most two decimals."), "500000.00"),
    Column(
        "技术交易额（元）",
        "technical_amount",
        Kind.AMOUNT,
        help=_("Yuan; blank: the contract amount less non-technical costs."),
        example="450000.00",
    ),
    Column("非技术性费用（元）", "non_technical_amount", Kind.AMOUNT, help=_("Yuan; blank is 0."), example="50000.00"),
    Column("支付方式", "payment_method", Kind.CHOICE, True, _("How the price is paid."), "一次总算一次总付", width=22),
    Column("预计新增投入（元）", "expected_investment", Kind.AMOUNT, help=_("Yuan.")),
    Column("预计新增产值（元）", "expected_output", Kind.AMOUNT, help=_("Yuan.")),
    Column("登记日期", "registered_on", Kind.DATE, True, _("Date of registration (YYYY-MM-DD)."), "2024-03-20", width=12),
    Column(
        "登记机构",
        "registration_body",
        Kind.TEXT,
        help=_("The registration body's name; blank or the importing body."),
        width=30,
    ),
)  # fmt: skip

HEADERS: tuple[str, ...] = tuple(column.header for column in COLUMNS)
COLUMNS_BY_HEADER: dict[str, Column] = {column.header: column for column in COLUMNS}
COLUMNS_BY_FIELD: dict[str, Column] = {column.field: column for column in COLUMNS}
# The contract fields an import writes (the columns less the two that are not fields of their own).
FIELDS: tuple[str, ...] = tuple(
    c.field for c in COLUMNS if c.field not in ("registered_on", "registration_body")
)
