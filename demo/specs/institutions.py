"""The demo institutions that ``manage.py seed_demo`` loads first (``demo.loaders.institutions``):
institutions in all 21 市(州), designations and a login for each role.

Universities, institutes and government departments carry their real names; their credit codes are
synthetic (valid by GB 32100, built by ``make_credit_code``), and the enterprises, agencies, people and
document numbers are made up. Every code derives from the organisation's category, region and a fixed
slot, so every run produces the same codes; designations carry fixed years and dates.
"""

from dataclasses import dataclass, replace
from datetime import date

from django.utils.translation import gettext_lazy as _

from institutions.choices import (
    DesignationLevel,
    DesignationStatus,
    MembershipRole,
    OrganisationKind,
    ServiceType,
    TransferKind,
    TransferLevel,
)
from institutions.identifiers import make_credit_code

DEMO_PASSWORD = "Tianfu@2026"

# Registration authority + category (positions 1–2 of the code) → first three characters of the
# synthetic organisation code, so that bodies of different categories never collide.
_CODE_STEMS = {
    "11": "008",  # 机构编制 · 机关
    "12": "450",  # 机构编制 · 事业单位
    "52": "MJ0",  # 民政 · 民办非企业单位
    "91": "MA6",  # 市场监管 · 企业
}

ALL_SERVICES = tuple(ServiceType.values)
BROKERING = (ServiceType.TRANSFER, ServiceType.CONSULTING, ServiceType.EVALUATION, ServiceType.PLATFORM)
UNIVERSITY_OFFICE = (ServiceType.TRANSFER, ServiceType.DEVELOPMENT, ServiceType.CONSULTING)


@dataclass(frozen=True)
class OrganisationSpec:
    """One demo organisation. ``key`` names it for parents, transfer offices, designations and
    memberships."""

    key: str
    name: str
    region: str
    kind: str
    category: str
    slot: str
    entity_type: str
    short_name: str = ""
    name_en: str = ""
    address: str = ""
    website: str = ""
    introduction: str = ""
    transfer_level: str = ""
    transfer_kind: str = ""
    parent: str = ""
    # The key of the transfer institution that transfers its results (四川大学 → 四川大学技术转移中心).
    transfer_office: str = ""
    fields: tuple[str, ...] = ()
    services: tuple[str, ...] = ()

    @property
    def credit_code(self) -> str:
        body = _CODE_STEMS[self.category] + self.region[2:6] + self.slot
        return make_credit_code(self.category + self.region, body)

    @property
    def is_transfer_institution(self) -> bool:
        return bool(self.transfer_level)


@dataclass(frozen=True)
class City:
    """A 市(州) and what its demo institutions look like."""

    code: str
    name: str  # the official name (GB/T 2260)
    title: str  # how local bodies are prefixed: 成都市…, 阿坝州…
    industries: str  # for the introductions
    fields: tuple[str, ...]  # technology_field codes

    @property
    def area(self) -> str:
        return "全州" if self.title.endswith("州") else "全市"


CITIES = (
    City("510100", "成都市", "成都市", "电子信息、生物医药和航空航天", ("01", "04", "05")),
    City("510300", "自贡市", "自贡市", "节能环保装备、新材料和盐化工", ("02", "03", "08")),
    City("510400", "攀枝花市", "攀枝花市", "钒钛新材料和阳光康养", ("03", "08")),
    City("510500", "泸州市", "泸州市", "白酒酿造、医药健康和现代农业", ("04", "10")),
    City("510600", "德阳市", "德阳市", "重大技术装备和清洁能源装备", ("02", "07")),
    City("510700", "绵阳市", "绵阳市", "电子信息、军民融合和核技术应用", ("01", "05", "11")),
    City("510800", "广元市", "广元市", "绿色食品和新材料", ("10", "03")),
    City("510900", "遂宁市", "遂宁市", "锂电新能源和电子材料", ("07", "03")),
    City("511000", "内江市", "内江市", "冶金建材和装备制造", ("02", "03")),
    City("511100", "乐山市", "乐山市", "晶硅光伏和新材料", ("03", "07")),
    City("511300", "南充市", "南充市", "油气化工、汽车汽配和现代农业", ("07", "09", "10")),
    City("511400", "眉山市", "眉山市", "新材料和绿色农产品加工", ("03", "10")),
    City("511500", "宜宾市", "宜宾市", "动力电池、智能终端和新能源汽车", ("07", "01", "09")),
    City("511600", "广安市", "广安市", "装备制造和绿色化工", ("02", "08")),
    City("511700", "达州市", "达州市", "天然气化工和新材料", ("03", "08")),
    City("511800", "雅安市", "雅安市", "绿色农业和大数据", ("10", "01")),
    City("511900", "巴中市", "巴中市", "特色农业和生物医药", ("10", "04")),
    City("512000", "资阳市", "资阳市", "口腔医疗器械和轨道交通装备", ("04", "09")),
    City("513200", "阿坝藏族羌族自治州", "阿坝州", "高原特色农牧和生态保护", ("10", "08")),
    City("513300", "甘孜藏族自治州", "甘孜州", "清洁能源和高原特色农牧", ("07", "10")),
    City("513400", "凉山彝族自治州", "凉山州", "现代农业、清洁能源和航天", ("10", "07", "05")),
)

PROVINCE = "510000"


def _province_specs() -> list[OrganisationSpec]:
    return [
        OrganisationSpec(
            key="sc_department",
            name="四川省科学技术厅",
            short_name="省科技厅",
            name_en="Department of Science and Technology of Sichuan Province",
            region=PROVINCE,
            kind=OrganisationKind.GOVERNMENT_DEPARTMENT,
            category="11",
            slot="1",
            entity_type="010",
            introduction="四川省人民政府主管全省科技工作的组成部门，负责技术市场监督管理、"
            "技术转移体系建设和技术转移示范机构的认定与评价。",
        ),
        OrganisationSpec(
            key="sw_centre",
            name="国家技术转移西南中心",
            short_name="西南中心",
            name_en="National Technology Transfer Southwest Centre",
            region=PROVINCE,
            kind=OrganisationKind.TRANSFER_AGENCY,
            category="12",
            slot="2",
            entity_type="024",
            introduction="面向西南地区的国家级技术转移枢纽，依托天府技术交易大市场开展技术挂牌、"
            "拍卖、招标和成交信息公示服务。",
            transfer_level=TransferLevel.PROVINCE,
            transfer_kind=TransferKind.REGIONAL,
            fields=("01", "02", "03", "04", "07"),
            services=ALL_SERVICES,
        ),
        OrganisationSpec(
            key="sc_centre",
            name="四川省技术转移中心",
            short_name="省技术转移中心",
            name_en="Sichuan Technology Transfer Centre",
            region=PROVINCE,
            kind=OrganisationKind.TRANSFER_AGENCY,
            category="12",
            slot="1",
            entity_type="024",
            introduction="全省技术转移体系的省级枢纽，联通21个市（州）技术转移机构，"
            "提供成果评价、供需对接、技术经纪人培训和技术合同登记咨询服务。",
            transfer_level=TransferLevel.PROVINCE,
            transfer_kind=TransferKind.REGIONAL,
            fields=("01", "02", "03", "04", "07", "10"),
            services=ALL_SERVICES,
        ),
        OrganisationSpec(
            key="sc_registration",
            name="四川省技术合同认定登记中心",
            short_name="省技术合同登记中心",
            name_en="Sichuan Technology Contract Registration Centre",
            region=PROVINCE,
            kind=OrganisationKind.REGISTRATION_BODY,
            category="12",
            slot="3",
            entity_type="024",
            introduction="受省科学技术厅委托，承担技术合同认定登记、技术性收入核定和技术市场统计工作。",
        ),
    ]


def _city_specs(city: City) -> list[OrganisationSpec]:
    """The city's S&T bureau, its regional transfer centre (the 市级 node of the network) and its
    technology-contract registration station (登记机构, 按地域一次登记: sellers of the city register here)."""
    return [
        OrganisationSpec(
            key=f"{city.code}_bureau",
            name=f"{city.name}科学技术局",
            short_name=f"{city.title}科技局",
            region=city.code,
            kind=OrganisationKind.GOVERNMENT_DEPARTMENT,
            category="11",
            slot="1",
            entity_type="010",
            introduction=f"{city.title}人民政府主管科技工作的部门，负责{city.area}技术市场管理、"
            "科技成果转移转化和技术转移机构的培育。",
        ),
        OrganisationSpec(
            key=f"{city.code}_centre",
            name=f"{city.title}科技成果转化服务中心",
            region=city.code,
            kind=OrganisationKind.TRANSFER_AGENCY,
            category="12",
            slot="1",
            entity_type="024",
            introduction=f"{city.title}技术转移体系的市级枢纽，面向{city.industries}等产业"
            "提供成果评价、对接撮合和技术合同登记咨询服务。",
            transfer_level=TransferLevel.CITY,
            transfer_kind=TransferKind.REGIONAL,
            parent="sc_centre",
            fields=city.fields,
            services=BROKERING,
        ),
        OrganisationSpec(
            key=f"{city.code}_registration",
            name=f"{city.title}技术合同认定登记站",
            region=city.code,
            kind=OrganisationKind.REGISTRATION_BODY,
            category="12",
            slot="3",
            entity_type="024",
            introduction=f"经省科学技术厅批准设立的技术合同登记机构，受理{city.area}卖方（技术提供方）"
            "技术合同的认定登记、技术交易额和技术性收入核定。",
        ),
    ]


def _agency(key, name, region, category, slot, kind, introduction, fields, services=BROKERING, **extra):
    """A further city-level transfer institution, linked up to the provincial centre."""
    entity_type = {"12": "024", "52": "030", "91": "150"}[category]
    return OrganisationSpec(
        key=key,
        name=name,
        region=region,
        kind=OrganisationKind.TRANSFER_AGENCY,
        category=category,
        slot=slot,
        entity_type=entity_type,
        introduction=introduction,
        transfer_level=TransferLevel.CITY,
        transfer_kind=kind,
        parent="sc_centre",
        fields=fields,
        services=services,
        **extra,
    )


MARKET, INDUSTRY = TransferKind.MARKET_BASED, TransferKind.INDUSTRY

# fmt: off
CITY_AGENCIES = [
    _agency(
        "chengdu_market", "成都天府科创技术转移服务有限公司", "510100", "91", "2", MARKET,
        "市场化技术转移服务机构，以技术经纪人团队为核心，为高校院所和企业提供技术挂牌、交易撮合和知识产权运营服务。",
        ("01", "04", "05"), (*BROKERING, ServiceType.FINANCING),
    ),
    _agency(
        "chengdu_station", "成都创新驿站技术转移服务中心", "510100", "52", "1", MARKET,
        "民办非企业技术转移服务机构，组织路演对接和技术经纪人实训。",
        ("01", "06"),
    ),
    _agency(
        "zigong_market", "自贡盐都技术转移服务有限公司", "510300", "91", "1", MARKET,
        "服务节能环保装备和盐化工企业的技术需求挖掘与成果对接。",
        ("02", "08"),
    ),
    _agency(
        "panzhihua_industry", "攀枝花钒钛产业技术转移中心", "510400", "12", "2", INDUSTRY,
        "依托钒钛产业链开展关键技术成果引进、中试熟化和技术评价。",
        ("03",),
    ),
    _agency(
        "luzhou_industry", "泸州酒业技术转移服务有限公司", "510500", "91", "1", INDUSTRY,
        "面向白酒酿造和食品企业提供工艺技术转让与检测咨询服务。",
        ("04", "10"),
    ),
    _agency(
        "deyang_industry", "德阳重装产业技术转移中心", "510600", "12", "2", INDUSTRY,
        "围绕重大技术装备产业链，组织高校院所成果与装备制造企业的对接和联合攻关。",
        ("02", "07"),
    ),
    _agency(
        "deyang_market", "德阳科创技术经纪有限公司", "510600", "91", "1", MARKET,
        "为中小装备企业提供技术经纪、成果评估和技术合同代理服务。",
        ("02",),
    ),
    _agency(
        "mianyang_market", "绵阳科技城军民融合技术转移有限公司", "510700", "91", "1", MARKET,
        "服务中国（绵阳）科技城，推动军民两用技术成果双向转移转化。",
        ("01", "05", "11"),
    ),
    _agency(
        "suining_industry", "遂宁锂电产业技术转移中心", "510900", "12", "2", INDUSTRY,
        "面向锂电新能源产业开展技术需求征集、成果对接和中试服务。",
        ("07", "03"),
    ),
    _agency(
        "leshan_industry", "乐山光伏产业技术服务有限公司", "511100", "91", "1", INDUSTRY,
        "为晶硅光伏企业提供工艺改进咨询和技术转让服务。",
        ("07", "03"),
    ),
    _agency(
        "yibin_market", "宜宾三江技术转移服务有限公司", "511500", "91", "1", MARKET,
        "服务动力电池和智能终端产业，开展技术挂牌交易、成果评价和科技金融对接。",
        ("07", "01", "09"), (*BROKERING, ServiceType.FINANCING),
    ),
]
# fmt: on


def _county(key, name, region, city_code, introduction, fields):
    """A county-level station, linked up to its city's centre (the 县级 node)."""
    return OrganisationSpec(
        key=key,
        name=name,
        region=region,
        kind=OrganisationKind.TRANSFER_AGENCY,
        category="12",
        slot="1",
        entity_type="024",
        introduction=introduction,
        transfer_level=TransferLevel.COUNTY,
        transfer_kind=TransferKind.REGIONAL,
        parent=f"{city_code}_centre",
        fields=fields,
        services=(ServiceType.TRANSFER, ServiceType.CONSULTING),
    )


# fmt: off
COUNTY_STATIONS = [
    _county(
        "pidu_station", "郫都区科技成果转化服务站", "510117", "510100",
        "服务菁蓉镇双创企业，承接市级中心下沉的成果对接和政策咨询。",
        ("01", "10"),
    ),
    _county(
        "shuangliu_station", "双流区技术转移工作站", "510116", "510100",
        "面向航空经济和生物医药园区企业开展技术需求挖掘。",
        ("05", "04"),
    ),
    _county(
        "guanghan_station", "广汉市科技成果转化服务中心", "510681", "510600",
        "为本地油气装备和通航企业提供技术对接与合同登记咨询。",
        ("02",),
    ),
    _county(
        "jiangyou_station", "江油市技术转移工作站", "510781", "510700",
        "服务特钢和新材料企业的技术引进与成果转化。",
        ("03",),
    ),
    _county(
        "xuzhou_station", "叙州区技术转移工作站", "511504", "511500",
        "服务动力电池配套企业的技术需求对接和科技政策兑现。",
        ("07",),
    ),
]
# fmt: on


@dataclass(frozen=True)
class Academy:
    """A university or institute and, when it has one, its transfer office."""

    key: str
    name: str
    name_en: str
    region: str
    kind: str
    address: str
    website: str
    introduction: str
    fields: tuple[str, ...]
    office: str = ""
    office_introduction: str = ""


# fmt: off
ACADEMIES = [
    Academy(
        "scu", "四川大学", "Sichuan University", "510107", OrganisationKind.UNIVERSITY,
        "成都市武侯区一环路南一段24号", "https://www.scu.edu.cn",
        "教育部直属综合性研究型大学，在生物医药、新材料和电子信息领域成果丰富。",
        ("04", "03", "01"), "四川大学技术转移中心",
        "四川大学职务科技成果的转移转化机构，负责成果披露、评估定价、许可转让和作价投资的全流程服务。",
    ),
    Academy(
        "uestc", "电子科技大学", "University of Electronic Science and Technology of China", "510117",
        OrganisationKind.UNIVERSITY, "成都市高新区（西区）西源大道2006号", "https://www.uestc.edu.cn",
        "以电子信息科学技术为核心的研究型大学，集成电路、通信和人工智能方向成果集中。",
        ("01",), "电子科技大学技术转移中心",
        "负责学校电子信息类成果的专利运营、技术许可和校企联合研发项目的组织。",
    ),
    Academy(
        "swjtu", "西南交通大学", "Southwest Jiaotong University", "510106", OrganisationKind.UNIVERSITY,
        "成都市二环路北一段111号", "https://www.swjtu.edu.cn",
        "以轨道交通为特色的研究型大学，是职务科技成果混合所有制改革的先行者。",
        ("09", "02"), "西南交通大学技术转移中心",
        "推行职务科技成果“早确权、早分割、共享制”，提供确权分割、评估作价和转化落地服务。",
    ),
    Academy(
        "swufe", "西南财经大学", "Southwestern University of Finance and Economics", "510105",
        OrganisationKind.UNIVERSITY, "成都市光华村街55号", "https://www.swufe.edu.cn",
        "教育部直属财经类大学，开展科技金融、知识产权估值和技术市场政策研究。",
        ("06",),
    ),
    Academy(
        "swpu", "西南石油大学", "Southwest Petroleum University", "510114", OrganisationKind.UNIVERSITY,
        "成都市新都区新都大道8号", "https://www.swpu.edu.cn",
        "以油气勘探开发为特色的高校，在油气装备、新能源和安全环保领域形成系列成果。",
        ("07", "08", "02"), "西南石油大学技术转移中心",
        "服务油气行业企业的技术许可、技术服务和联合攻关项目。",
    ),
    Academy(
        "cdut", "成都理工大学", "Chengdu University of Technology", "510108", OrganisationKind.UNIVERSITY,
        "成都市成华区二仙桥东三路1号", "https://www.cdut.edu.cn",
        "以地学、资源和环境为特色的高校，地质灾害防治和油气勘探技术应用广泛。",
        ("08", "03"), "成都理工大学技术转移中心",
        "负责地质灾害监测、环境治理等成果的转让许可和技术咨询服务。",
    ),
    Academy(
        "swust", "西南科技大学", "Southwest University of Science and Technology", "510703",
        OrganisationKind.UNIVERSITY, "绵阳市涪城区青龙大道中段59号", "https://www.swust.edu.cn",
        "四川省与国防科工局共建高校，在核废物处理、新材料和智能制造方向有特色成果。",
        ("03", "11", "02"), "西南科技大学技术转移中心",
        "立足绵阳科技城，推动军民融合和新材料成果在本地企业转化。",
    ),
    Academy(
        "caep", "中国工程物理研究院", "China Academy of Engineering Physics", "510704",
        OrganisationKind.RESEARCH_INSTITUTE, "绵阳市绵山路64号", "https://www.caep.cn",
        "国家综合性科研机构，在激光、核技术应用和先进材料领域开展民用转化。",
        ("11", "05", "03"), "中国工程物理研究院技术转移中心",
        "组织院属单位可公开成果的民用推广、技术许可和产业化合作。",
    ),
    Academy(
        "suse", "四川轻化工大学", "Sichuan University of Science & Engineering", "510302",
        OrganisationKind.UNIVERSITY, "自贡市自流井区汇兴路学苑街180号", "https://www.suse.edu.cn",
        "以化工、酿酒和机械为特色的省属高校，服务川南产业发展。",
        ("03", "08", "10"), "四川轻化工大学技术转移中心",
        "面向川南白酒、化工和装备企业开展技术服务与成果转让。",
    ),
    Academy(
        "nsmc", "川北医学院", "North Sichuan Medical College", "511302", OrganisationKind.UNIVERSITY,
        "南充市顺庆区涪江路234号", "https://www.nsmc.edu.cn",
        "川东北地区医学人才培养和医学研究基地。",
        ("04",), "川北医学院技术转移中心",
        "负责医学检验、医疗器械类成果的许可转让和临床转化合作。",
    ),
    Academy(
        "swmu", "西南医科大学", "Southwest Medical University", "510502", OrganisationKind.UNIVERSITY,
        "泸州市江阳区香林路一段1号", "https://www.swmu.edu.cn",
        "省属医科大学，在中医药、药物研发和临床医学领域形成转化成果。",
        ("04",), "西南医科大学技术转移中心",
        "为医药企业提供新药研发合作、技术许可和临床试验对接服务。",
    ),
    Academy(
        "sicau", "四川农业大学", "Sichuan Agricultural University", "511802", OrganisationKind.UNIVERSITY,
        "雅安市雨城区新康路46号", "https://www.sicau.edu.cn",
        "以生物科技为特色的农业大学，作物育种和动物营养成果在全省推广。",
        ("10", "04"), "四川农业大学技术转移中心",
        "推广新品种、新技术，开展植物新品种权转让和农业技术服务。",
    ),
    Academy(
        "cas_chengdu", "中国科学院成都分院", "Chengdu Branch of the Chinese Academy of Sciences", "510107",
        OrganisationKind.RESEARCH_INSTITUTE, "成都市人民南路四段9号", "http://www.cdb.cas.cn",
        "中国科学院在西南地区的分支机构，统筹在川研究所的科技成果转移转化。",
        ("01", "03", "08", "04"), "中国科学院成都分院技术转移中心",
        "汇集在川中科院研究所成果，开展成果评价、专利运营和地方合作项目。",
    ),
]


# fmt: on


def _academy_specs(academy: Academy) -> list[OrganisationSpec]:
    entity_type = "022" if academy.kind == OrganisationKind.UNIVERSITY else "021"
    specs = [
        OrganisationSpec(
            key=academy.key,
            name=academy.name,
            name_en=academy.name_en,
            region=academy.region,
            kind=academy.kind,
            category="12",
            slot="U",
            entity_type=entity_type,
            address=academy.address,
            website=academy.website,
            introduction=academy.introduction,
            transfer_office=f"{academy.key}_office" if academy.office else "",
            fields=academy.fields,
        )
    ]
    if academy.office:
        # The office first, so that the academy is created naming it.
        specs.insert(
            0,
            OrganisationSpec(
                key=f"{academy.key}_office",
                name=academy.office,
                region=academy.region,
                kind=OrganisationKind.TRANSFER_AGENCY,
                category="12",
                slot="T",
                entity_type="024",
                address=academy.address,
                introduction=academy.office_introduction,
                transfer_level=TransferLevel.CITY,
                transfer_kind=TransferKind.UNIVERSITY_OFFICE,
                parent="sc_centre",
                fields=academy.fields,
                services=UNIVERSITY_OFFICE,
            ),
        )
    return specs


# Two academies share a region (四川大学 and 中国科学院成都分院 in 武侯区): give the second its own slots.
_SLOT_OVERRIDES = {"cas_chengdu": "P", "cas_chengdu_office": "Q"}


def _enterprise(key, name, region, slot, introduction, fields, entity_type="150"):
    """A demo enterprise; ``entity_type`` is its 买/卖方性质 code (150 有限责任公司, 160 股份有限公司,
    110 国有企业, 170 私营企业)."""
    return OrganisationSpec(
        key=key,
        name=name,
        region=region,
        kind=OrganisationKind.ENTERPRISE,
        category="91",
        slot=slot,
        entity_type=entity_type,
        introduction=introduction,
        fields=fields,
    )


# fmt: off
ENTERPRISES = [
    _enterprise(
        "deyang_heavy", "德阳天工重型装备有限公司", "510603", "1",
        "从事大型铸锻件和清洁能源成套装备研发制造，常年征集高温合金和智能焊接技术。",
        ("02", "07"),
    ),
    _enterprise(
        "yibin_energy", "宜宾蜀能新能源科技有限公司", "511502", "1",
        "动力电池材料和储能系统企业，与高校共建联合实验室开展固态电池研发。",
        ("07", "09"),
    ),
    _enterprise(
        "chengdu_chip", "成都芯瑞微电子有限公司", "510116", "1",
        "射频芯片设计企业，通过技术许可引进高校毫米波通信专利。",
        ("01",),
    ),
    _enterprise(
        "mianyang_sensor", "绵阳科汇智能传感技术有限公司", "510703", "1",
        "研制工业智能传感器，承接军民两用传感技术成果的产业化。",
        ("01", "02"),
    ),
    _enterprise(
        "panzhihua_titanium", "攀枝花钒钛新材料科技有限公司", "510411", "1",
        "开发钒电池电解液和钛合金材料，是钒钛产业技术转移中心的合作企业。",
        ("03", "07"),
    ),
    _enterprise(
        "luzhou_brewing", "泸州窖香酿造生物科技有限公司", "510504", "1",
        "从事酿酒微生物和固态发酵工艺研究，受让高校菌种选育技术。",
        ("04", "10"),
    ),
]
# fmt: on


# Two or three buyers in every 市(州), in the city's own industries, so that deals, registered contracts
# and the statistics built on them reach all 21 cities. Each sits in its own county, on slot "2".
LTD, PLC, STATE, PRIVATE = "150", "160", "110", "170"

# fmt: off
CITY_ENTERPRISES = [
    _enterprise(
        "chengdu_biopharma", "成都天府康瑞生物医药股份有限公司", "510115", "2",
        "温江医学城的创新药和高端制剂企业，持续受让高校院所的候选药物和制剂工艺。",
        ("04",), PLC,
    ),
    _enterprise(
        "chengdu_aero", "成都蓉翔航空零部件制造有限公司", "510114", "2",
        "为主机厂配套航空结构件和发动机零部件，寻求精密加工、复合材料和无损检测技术。",
        ("05", "02"),
    ),
    _enterprise(
        "chengdu_software", "成都锦城数智科技有限公司", "510104", "2",
        "面向政务和制造业提供工业软件与数据服务，与高校合作开发人工智能应用。",
        ("01", "06"), PRIVATE,
    ),
    _enterprise(
        "zigong_boiler", "自贡川能节能环保装备股份有限公司", "510304", "2",
        "从事电站锅炉、余热回收和烟气治理成套装备制造，征集高效换热和低氮燃烧技术。",
        ("02", "08"), PLC,
    ),
    _enterprise(
        "zigong_salt", "自贡盐源化工新材料有限公司", "510311", "2",
        "以井矿盐为原料发展精细化工和新材料，关注盐化工副产物高值化利用。",
        ("03", "08"),
    ),
    _enterprise(
        "panzhihua_steel", "攀枝花钢城冶金技术有限公司", "510402", "2",
        "国有冶金企业，承担钒钛磁铁矿综合利用和冶金固废资源化项目。",
        ("03", "02"), STATE,
    ),
    _enterprise(
        "panzhihua_mango", "攀枝花米易阳光农业科技有限公司", "510421", "2",
        "发展芒果、早春蔬菜等特色农业，引进品种改良和采后保鲜技术。",
        ("10",), PRIVATE,
    ),
    _enterprise(
        "luzhou_pharma", "泸州川南医药科技有限公司", "510502", "2",
        "中成药和医用辅料生产企业，与医科大学合作开展中药经典名方的二次开发。",
        ("04",),
    ),
    _enterprise(
        "luzhou_lychee", "泸州合江荔枝农业开发有限公司", "510522", "2",
        "经营荔枝、桂圆种植和深加工，需要病虫害绿色防控和冷链保鲜技术。",
        ("10",), PRIVATE,
    ),
    _enterprise(
        "deyang_energy", "德阳蜀汽清洁能源装备股份有限公司", "510682", "2",
        "研制燃气轮机部件、氢能装备和光热发电设备，是成德绵示范区的重点配套企业。",
        ("07", "02"), PLC,
    ),
    _enterprise(
        "deyang_machinery", "德阳罗江精密机械有限公司", "510604", "2",
        "为重装企业配套精密齿轮和液压件，推进数控化和智能化改造。",
        ("02",),
    ),
    _enterprise(
        "mianyang_electronics", "绵阳涪江电子科技有限公司", "510704", "2",
        "从事电子元器件和显示模组制造，引进高可靠电子装联和检测技术。",
        ("01",),
    ),
    _enterprise(
        "mianyang_isotope", "绵阳科城同位素应用技术有限公司", "510705", "2",
        "国有核技术应用企业，开展辐照加工、同位素制备和工业无损检测服务。",
        ("11", "04"), STATE,
    ),
    _enterprise(
        "guangyuan_food", "广元利州绿色食品有限公司", "510802", "2",
        "加工黑木耳、猕猴桃和核桃等山区特色农产品，寻求精深加工和品质检测技术。",
        ("10",),
    ),
    _enterprise(
        "guangyuan_aluminium", "广元朝天铝基新材料有限公司", "510812", "2",
        "生产铝合金型材和铝基复合材料，开展再生铝保级利用技术攻关。",
        ("03",),
    ),
    _enterprise(
        "suining_lithium", "遂宁锂源新能源材料股份有限公司", "510981", "2",
        "生产碳酸锂和磷酸铁锂正极材料，持续引进提锂和材料改性技术。",
        ("07", "03"), PLC,
    ),
    _enterprise(
        "suining_pcb", "遂宁船山电子电路有限公司", "510903", "2",
        "印制电路板制造企业，关注高密度互连板工艺和含铜废液资源化。",
        ("01", "03"),
    ),
    _enterprise(
        "neijiang_metallurgy", "内江威远冶金材料有限公司", "511024", "2",
        "国有冶金材料企业，生产特种钢材和耐火材料，推进节能降碳改造。",
        ("03", "02"), STATE,
    ),
    _enterprise(
        "neijiang_building", "内江东兴建材装备制造有限公司", "511011", "2",
        "制造新型建材生产线和环保装备，征集固废制备建材的技术。",
        ("02", "08"), PRIVATE,
    ),
    _enterprise(
        "leshan_silicon", "乐山晶硅光伏材料股份有限公司", "511112", "2",
        "多晶硅和单晶硅片生产企业，需要高效电池工艺和硅料提纯降耗技术。",
        ("07", "03"), PLC,
    ),
    _enterprise(
        "leshan_materials", "乐山沙湾新材料科技有限公司", "511111", "2",
        "开发电子级化学品和特种硅材料，与高校共建中试平台。",
        ("03",),
    ),
    _enterprise(
        "nanchong_petrochemical", "南充嘉陵油气化工有限公司", "511304", "2",
        "国有油气化工企业，开展天然气净化、精细化工和安全环保技术改造。",
        ("07", "08"), STATE,
    ),
    _enterprise(
        "nanchong_auto", "南充高坪汽车零部件有限公司", "511303", "2",
        "为整车企业配套底盘和电驱部件，推进新能源汽车零部件轻量化。",
        ("09", "02"),
    ),
    _enterprise(
        "nanchong_agriculture", "南充阆中现代农业科技有限公司", "511381", "2",
        "经营生猪养殖和粮油加工，引进养殖废弃物资源化和智慧农业技术。",
        ("10",), PRIVATE,
    ),
    _enterprise(
        "meishan_materials", "眉山彭山新材料科技有限公司", "511403", "2",
        "生产锂电铜箔和电子材料，寻求超薄铜箔制备和表面处理技术。",
        ("03", "07"),
    ),
    _enterprise(
        "meishan_food", "眉山东坡泡菜食品有限公司", "511402", "2",
        "泡菜和调味品加工企业，关注乳酸菌发酵控制和高盐废水处理。",
        ("10", "08"), PRIVATE,
    ),
    _enterprise(
        "yibin_terminal", "宜宾三江智能终端制造有限公司", "511503", "2",
        "智能手机和可穿戴设备代工企业，引进自动化装配和视觉检测技术。",
        ("01",),
    ),
    _enterprise(
        "yibin_auto", "宜宾叙州新能源汽车零部件有限公司", "511504", "2",
        "为新能源汽车配套电池包结构件和热管理系统。",
        ("09", "07"),
    ),
    _enterprise(
        "guangan_equipment", "广安华蓥装备制造有限公司", "511681", "2",
        "制造矿山机械和汽车零部件，推进焊接自动化和设备远程运维。",
        ("02",),
    ),
    _enterprise(
        "guangan_chemical", "广安前锋绿色化工股份有限公司", "511603", "2",
        "以天然气为原料生产精细化学品，开展清洁生产和化工园区安全监测改造。",
        ("08", "03"), PLC,
    ),
    _enterprise(
        "dazhou_gas", "达州普光天然气化工股份有限公司", "511722", "2",
        "依托普光气田发展天然气化工，需要高含硫天然气净化和硫资源利用技术。",
        ("07", "03"), PLC,
    ),
    _enterprise(
        "dazhou_materials", "达州通川玄武岩纤维新材料有限公司", "511702", "2",
        "生产连续玄武岩纤维及其复合材料，开拓交通和建筑领域应用。",
        ("03",),
    ),
    _enterprise(
        "yaan_tea", "雅安名山茶业科技有限公司", "511803", "2",
        "蒙顶山茶种植和加工企业，引进茶树良种和清洁化加工技术。",
        ("10",), PRIVATE,
    ),
    _enterprise(
        "yaan_data", "雅安雨城大数据产业有限公司", "511802", "2",
        "运营绿色数据中心，提供算力租赁和数据治理服务。",
        ("01",),
    ),
    _enterprise(
        "bazhong_fungus", "巴中通江银耳生物科技有限公司", "511921", "2",
        "银耳种植和功能食品开发企业，寻求菌种选育和多糖提取技术。",
        ("10", "04"), PRIVATE,
    ),
    _enterprise(
        "bazhong_herbs", "巴中恩阳中药材开发有限公司", "511903", "2",
        "发展川明参、金银花等道地药材种植和初加工。",
        ("04", "10"),
    ),
    _enterprise(
        "ziyang_dental", "资阳雁江口腔医疗器械有限公司", "512002", "2",
        "生产义齿、种植体和口腔数字化设备，是资阳口腔装备材料产业园的骨干企业。",
        ("04",),
    ),
    _enterprise(
        "ziyang_rail", "资阳乐至轨道交通装备股份有限公司", "512022", "2",
        "为机车车辆配套牵引部件和转向架零件，开展轻量化和状态监测研发。",
        ("09", "02"), PLC,
    ),
    _enterprise(
        "aba_yak", "阿坝红原高原生态农牧科技有限公司", "513233", "2",
        "发展牦牛、藏香猪养殖和高原饲草种植，引进草原生态修复技术。",
        ("10", "08"), PRIVATE,
    ),
    _enterprise(
        "aba_ecology", "阿坝汶川生态环保科技有限公司", "513221", "2",
        "从事地质灾害治理和生态修复工程，需要边坡监测预警技术。",
        ("08",),
    ),
    _enterprise(
        "ganzi_hydro", "甘孜康定清洁能源开发有限公司", "513301", "2",
        "国有清洁能源企业，建设运营水电和光伏电站，推进水风光互补。",
        ("07",), STATE,
    ),
    _enterprise(
        "ganzi_dairy", "甘孜高原牦牛乳业有限公司", "513328", "2",
        "牦牛乳制品加工企业，关注乳品保鲜和高原冷链技术。",
        ("10",), PRIVATE,
    ),
    _enterprise(
        "liangshan_aerospace", "凉山西昌航天配套科技有限公司", "513401", "2",
        "为航天发射场提供配套装备和测试服务，开展航天技术民用转化。",
        ("05", "02"),
    ),
    _enterprise(
        "liangshan_agriculture", "凉山会理现代农业开发有限公司", "513402", "2",
        "经营石榴、烤烟种植和加工，引进水肥一体化和采后处理技术。",
        ("10",), PRIVATE,
    ),
]
# fmt: on


def organisation_specs() -> list[OrganisationSpec]:
    """Every demo organisation, parents before their children."""
    specs = _province_specs()
    for city in CITIES:
        specs += _city_specs(city)
    specs += CITY_AGENCIES
    for academy in ACADEMIES:
        for spec in _academy_specs(academy):
            slot = _SLOT_OVERRIDES.get(spec.key)
            specs.append(spec if slot is None else replace(spec, slot=slot))
    specs += COUNTY_STATIONS
    specs += ENTERPRISES
    specs += CITY_ENTERPRISES
    return specs


@dataclass(frozen=True)
class DesignationSpec:
    organisation: str
    level: str
    year_granted: int
    document_number: str
    status: str = DesignationStatus.ACTIVE
    status_reason: str = ""
    status_changed_on: date | None = None  # defaults to 1 December of the year granted
    # The department that grants (city titles) or records (provincial and national ones) the title.
    granted_by: str = "sc_department"


NATIONAL, PROVINCIAL, CITY = DesignationLevel.NATIONAL, DesignationLevel.PROVINCIAL, DesignationLevel.CITY

DESIGNATIONS = [
    DesignationSpec("sc_centre", NATIONAL, 2016, "国科火字〔2016〕143号"),
    DesignationSpec("scu_office", NATIONAL, 2017, "国科火字〔2017〕157号"),
    DesignationSpec("uestc_office", NATIONAL, 2019, "国科火字〔2019〕198号"),
    DesignationSpec("swjtu_office", PROVINCIAL, 2018, "川科成〔2018〕6号"),
    DesignationSpec("510100_centre", PROVINCIAL, 2021, "川科成〔2021〕4号"),
    DesignationSpec("swust_office", PROVINCIAL, 2021, "川科成〔2021〕4号"),
    DesignationSpec("deyang_industry", PROVINCIAL, 2022, "川科成〔2022〕7号"),
    DesignationSpec("yibin_market", PROVINCIAL, 2024, "川科成〔2024〕3号"),
    # City titles (市级技术转移示范机构): each city's S&T bureau names its own.
    DesignationSpec("chengdu_market", CITY, 2023, "成科字〔2023〕41号", granted_by="510100_bureau"),
    DesignationSpec("mianyang_market", CITY, 2022, "绵科发〔2022〕18号", granted_by="510700_bureau"),
    DesignationSpec(
        "panzhihua_industry",
        PROVINCIAL,
        2019,
        "川科成〔2019〕5号",
        status=DesignationStatus.WARNED,
        status_reason="2023年度绩效评价结果为“基本合格”，限期一年整改服务台账和年度报告。",
        status_changed_on=date(2024, 4, 18),
    ),
    DesignationSpec(
        "leshan_industry",
        PROVINCIAL,
        2018,
        "川科成〔2018〕6号",
        status=DesignationStatus.REVOKED,
        status_reason="连续两年未按要求报送年度工作报告，经复核撤销省级技术转移示范机构称号。",
        status_changed_on=date(2023, 9, 12),
    ),
]


@dataclass(frozen=True)
class DemoUser:
    """A demo login. ``memberships`` pairs an organisation key with a membership role."""

    username: str
    full_name: str
    role: object  # a lazy translated label
    abilities: object  # a lazy translated sentence; %(organisation)s and %(region)s name the first membership
    memberships: tuple[tuple[str, str], ...] = ()
    is_superuser: bool = False
    is_partner: bool = False


DEMO_USERS = [
    DemoUser(
        "admin",
        "平台管理员",
        _("Platform admin"),
        _("Everything, in the site and in Django admin (/admin/)"),
        is_superuser=True,
    ),
    DemoUser(
        "province",
        "李蓉",
        _("Official (province)"),
        _(
            "Reviews filings and demands, resolves objections to listings, manages institutions, members and designations anywhere in Sichuan, publishes the dual-use catalogues; reads the audit log"
        ),
        (("sc_department", MembershipRole.OFFICIAL),),
    ),
    DemoUser(
        "chengdu",
        "张锦",
        _("Official (city)"),
        _(
            "Reviews filings and demands, resolves objections to listings and manages institutions, members and designations in %(region)s and its counties only"
        ),
        (("510100_bureau", MembershipRole.OFFICIAL),),
    ),
    DemoUser(
        "mianyang",
        "王涪",
        _("Official (city)"),
        _(
            "Reviews filings and demands, resolves objections to listings and manages institutions, members and designations in %(region)s and its counties only"
        ),
        (("510700_bureau", MembershipRole.OFFICIAL),),
    ),
    DemoUser(
        "scu-admin",
        "陈望江",
        _("Institution admin"),
        _(
            "Edits the profile and members of %(organisation)s, files its achievements and lists them on the market; under My contract registrations finds its registrations: a draft, one waiting for the registrar, registered ones with certificates, certified income, a correction and a cancellation, and those imported since 2021"
        ),
        (("scu_office", MembershipRole.ADMIN),),
    ),
    DemoUser(
        "scu-staff",
        "刘川",
        _("Institution staff"),
        _(
            "Files achievements and lists technologies for %(organisation)s, answers inquiries, signs deals and submits contracts for registration, those made off the platform too (a draft with a German buyer, one with a Shanghai buyer waiting in Chengdu); cannot edit the institution or its members"
        ),
        (("scu_office", MembershipRole.STAFF),),
    ),
    DemoUser(
        "enterprise",
        "赵德",
        _("Enterprise user"),
        _("Staff of %(organisation)s; posts demands, inquires on listings and signs deals as the buyer"),
        (("deyang_heavy", MembershipRole.STAFF),),
    ),
    DemoUser(
        "broker",
        "周天府",
        _("Broker"),
        _(
            "Broker at %(organisation)s, a market-based agency; engaged on deals as intermediary, commission agent or agent"
        ),
        (("chengdu_market", MembershipRole.BROKER),),
    ),
    DemoUser(
        "enterprise-cd",
        "钱芯",
        _("Enterprise user"),
        _("Staff of %(organisation)s; inquires on listings, posts demands and signs deals as the buyer"),
        (("chengdu_chip", MembershipRole.STAFF),),
    ),
    DemoUser(
        "registrar",
        "孙登记",
        _("Registrar (province)"),
        _(
            "Registers the technology contracts submitted to %(organisation)s, corrects their category and technical amount, refuses them with a coded reason and certifies technical income"
        ),
        (("sc_registration", MembershipRole.OFFICIAL),),
    ),
    DemoUser(
        "registrar-cd",
        "吴合同",
        _("Registrar (city)"),
        _(
            "Registers the technology contracts submitted to %(organisation)s (in the queue: an off-platform contract with a Shanghai buyer and a paper application a colleague entered), corrects their category and technical amount, refuses them with a coded reason, certifies technical income, corrects and cancels registrations, enters paper applications and imports historical ones; certificates verify at /verify/"
        ),
        (("510100_registration", MembershipRole.OFFICIAL),),
    ),
    DemoUser(
        "partner",
        "国家技术转移西南中心数据接口",
        _("Partner system"),
        _("API only, with the header Authorization: Api-Key <key>; cannot sign in"),
        (("sw_centre", MembershipRole.PARTNER),),
        is_partner=True,
    ),
]
