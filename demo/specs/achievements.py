"""Specifications of the demo achievements that ``manage.py seed_demo`` files after the demo
institutions (pure and deterministic: no database, no clock); ``demo.loaders.achievements`` files them.

Three hundred achievements from the hand-written pools of ``demo.pools.achievements``, spread over
all 11 technology fields and all 21 市(州), filed by the demo universities, institutes and transfer
institutions. A few stay drafts, wait for review or come back with reasons, for the demo logins
``scu-staff`` (My filings) and ``chengdu`` (review queue).

Everything beyond the pools (readiness, prices, funding, owners, contributors, patent numbers) is
drawn from a random generator seeded by the title, so every call builds the same specifications on
any day. Each achievement is keyed by ``import_key`` (``demo-`` and a digest of its title). Patent
application numbers are valid (DOMAIN.md §7.2) but made up, as are the people, programmes' project
numbers and prices; every date is a fixed one (completed 2018–2025, patents filed 2016–2024).
"""

import hashlib
import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from achievements.choices import (
    AchievementStage,
    AchievementType,
    CooperationMode,
    DetailVisibility,
    IPKind,
    IPStatus,
    PriceType,
    SecrecyStatus,
)
from achievements.identifiers import check_character
from demo.pools import achievements as pools
from demo.specs import institutions as institution_specs

SEED = "tianfu-demo-achievements"
IMPORT_KEY_PREFIX = "demo-"

# --- who files ---------------------------------------------------------------------------------

_ACADEMIES = {academy.key: academy for academy in institution_specs.ACADEMIES}
_REGIONS = {spec.key: spec.region for spec in institution_specs.organisation_specs()}
# Filers whose staff is a demo login; every other filing institution gets a quiet staff account
# (no password, no e-mail) that exists only to file.
DEMO_FILERS = {"scu_office": "scu-staff"}
# Officials who review, by the prefix of the filing institution's region; the province covers the rest.
REVIEWERS = (("5101", "chengdu"), ("5107", "mianyang"), ("51", "province"))

# The last filings of some institutions stop short of publication, for the demo queues:
# "resubmitted" was returned once, corrected and submitted again.
UNFINISHED = {
    "scu": ("draft", "draft", "returned", "returned", "submitted", "submitted", "submitted"),
    "uestc": ("draft", "submitted", "submitted"),
    "swjtu": ("returned", "resubmitted"),
    "cdut": ("submitted",),
    "510100": ("submitted",),
    "sicau": ("draft", "submitted"),
    "swust": ("submitted",),
    "510300": ("draft",),
    "513400": ("submitted",),
}
RETURN_REASONS = (
    "请补充第三方检测报告或中试数据，成果简介中的性能指标需注明出处。",
    "权属材料不完整：请上传完成单位之间的权属分割协议，或共有各方同意公开的证明。",
    "所列专利的法律状态与国家知识产权局公布的信息不一致，请核实后更新。",
    "成果简介过于笼统，请补充主要技术指标、应用场景以及与同类技术的比较。",
)
RESUBMISSION_NOTE = "（已按审核意见补充第三方检测报告。）"

# Demo enterprises that co-own a university's result under a 混合所有制 split, when its title is in
# their line of business.
PARTNERS = {
    "chengdu_chip": ("芯片", "射频", "集成电路", "功率器件", "毫米波", "基站", "功率模块"),
    "mianyang_sensor": ("传感", "测量", "惯性", "监测", "导航", "雷达", "无损检测"),
    "deyang_heavy": ("燃气轮机", "水轮", "焊接", "锻", "铸", "热处理", "机床", "液压", "地热", "叶片"),
    "panzhihua_titanium": ("钛", "钒", "锂辉石", "合金"),
    "yibin_energy": ("电池", "储能", "新能源汽车", "光伏", "充电", "电解"),
}
# The defence institute's civil results stay wholly its own.
SOLE_OWNERS = frozenset({"caep"})
MIXED_SPLITS = ((70, 30), (60, 40), (80, 20), (51, 49))

# --- classifications per field -------------------------------------------------------------------

INDUSTRIES = {
    "01": ("I", "C"),
    "02": ("C",),
    "03": ("C",),
    "04": ("C", "Q"),
    "05": ("C", "M"),
    "06": ("E", "N", "M"),
    "07": ("D", "B", "C"),
    "08": ("N",),
    "09": ("G", "C"),
    "10": ("A",),
    "11": ("M", "Q"),
}
STRATEGIC = {
    "01": ("1",),
    "02": ("2",),
    "03": ("3",),
    "04": ("4",),
    "05": ("2",),
    "06": ("9", "1"),
    "07": ("6", "7"),
    "08": ("7",),
    "09": ("2", "5"),
    "10": ("4", "9"),
    "11": ("2", "4"),
}

# --- text ------------------------------------------------------------------------------------------

APPLICATIONS = {
    "01": "可应用于电子制造、通信设备、智能终端和信息安全等领域。",
    "02": "可应用于装备制造、汽车零部件、能源装备和轨道交通装备等行业。",
    "03": "可用于新能源、电子信息、航空航天和高端装备等领域的材料升级。",
    "04": "可面向医药企业、医疗机构和医疗器械企业开展转化合作。",
    "05": "可应用于航空制造、卫星应用、通用航空和低空经济等领域。",
    "06": "可服务于城市建设、防灾减灾、公共管理和社会治理。",
    "07": "可应用于油气开采、新能源发电、储能和工业节能等领域。",
    "08": "可应用于工业园区、矿山、市政和农村环境治理。",
    "09": "可应用于轨道交通、新能源汽车、智能交通和物流等领域。",
    "10": "可在省内主要农区和特色产业带推广，服务农业企业、合作社和家庭农场。",
    "11": "可应用于工业探伤、医疗卫生、环境监测和核设施运行维护。",
}
OFFERS = (
    "成果完成单位可提供技术培训、工艺包和现场指导，欢迎有意向的企业洽谈。",
    "可根据合作企业的生产条件开展适应性改进和联合中试。",
    "可提供样品测试和现场考察，合作细节面议。",
    "团队可派驻技术人员协助企业完成技术落地和人员培训。",
)
READINESS = {
    3: ("已完成原理验证，关键指标经实验室测试确认。", "目前处于实验室研究阶段，寻求企业联合开发。"),
    4: ("已完成实验室样机验证，正在优化关键工艺参数。", "实验室小试已完成，可与企业合作开展中试。"),
    5: ("样机已在模拟工况下完成测试，具备中试条件。", "已完成小批量试制，性能指标经第三方检测。"),
    6: ("已完成中试验证，正在开展工程化放大。", "原型系统已在合作企业完成示范运行。"),
    7: ("已在真实使用环境中完成示范应用，运行稳定。", "已完成工程样机并在用户现场试用。"),
    8: ("已通过第三方检测和用户验收，具备批量生产条件。", "产品已定型并完成小批量供货。"),
    9: (
        "已在省内{firms}家企业规模化应用，累计新增产值{value}亿元。",
        "技术已规模化应用，近三年累计实现销售收入{value}亿元。",
    ),
}
# Agriculture and medicine describe their readiness in their own words.
FIELD_READINESS = {
    "10": {
        3: ("已完成室内试验和田间小区试验，性状表现稳定。",),
        4: ("已完成田间小区试验，正在开展多点验证。",),
        5: ("已在省内多个试验点完成多点示范。",),
        6: ("已完成区域试验，综合表现优于对照。",),
        7: ("已在{counties}个县建立示范基地，示范效果良好。",),
        8: ("已通过省级技术鉴定，在{counties}个县示范推广。",),
        9: ("已在全省{counties}个县推广应用，新增经济效益{value}亿元。",),
    },
    "04": {
        3: ("已完成体外活性和作用机制研究。",),
        4: ("已完成动物模型上的药效验证。",),
        5: ("已完成主要药效学研究和工艺小试。",),
        6: ("已完成临床前药效学和安全性评价。",),
        7: ("已进入临床研究阶段，初步结果良好。",),
        8: ("已取得注册证书，在合作医院开展应用。",),
        9: ("产品已上市销售，近三年累计实现销售收入{value}亿元。",),
    },
}
SOFT_SCIENCE_USE = (
    "研究报告已被省级有关部门采纳，为相关政策制定提供了依据。",
    "研究成果已在省内多个市（州）试点应用。",
)
DUAL_USE = {
    "declassified": "该成果为军民两用技术，已按规定完成脱密处理，可面向民用领域转化。",
    "never": "该成果为军民两用技术，未涉及国家秘密，可同时服务国防和民用市场。",
}

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏"
    "薛叶余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武"
    "乔贺赖龚文"
)
_GIVEN_NAMES = (
    "伟 芳 敏 静 丽 强 磊 军 洋 勇 艳 杰 涛 明 超 霞 平 刚 宇 浩 鹏 婷 欣 瑞 川 蓉 锦 博 俊 晨 雪 琳 斌 健 "
    "建华 志强 晓东 海燕 国庆 文杰 思远 子涵 雨桐 嘉怡 一鸣 俊杰 明轩 婉清 德胜 蜀光 天府 锦程 凌云 "
    "春梅 秋实 维新 立新 振宇 雅琴 晓燕 建国 红梅 永刚 世杰 光明 雪松 宏伟 丹丹 玉兰 剑锋 敬之 若愚"
)
GIVEN = tuple(_GIVEN_NAMES.split())


@dataclass(frozen=True)
class IPAssetSpec:
    kind: str
    number: str
    title: str
    status: str
    granted_on: date | None


@dataclass(frozen=True)
class AchievementSpec:
    """One demo achievement, fully decided before anything touches the database."""

    import_key: str
    field: str
    filer: str  # organisation key of demo.specs.institutions
    owners: tuple[tuple[str, int], ...]  # (organisation key, share %)
    outcome: str  # published, draft, submitted, returned or resubmitted
    return_reason: str
    data: dict  # achievement fields; classifications as codes
    contributors: tuple[tuple[str, int], ...]  # (name, share %)
    ip_assets: tuple[IPAssetSpec, ...]


# --- building the specifications (pure, deterministic) -----------------------------------------------


def import_key(title: str) -> str:
    return IMPORT_KEY_PREFIX + hashlib.sha1(title.encode("utf-8")).hexdigest()[:24]


def _filer_and_owner(home: str) -> tuple[str, str]:
    filer_home, _separator, owner = home.partition(">")
    if filer_home in _ACADEMIES:
        academy = _ACADEMIES[filer_home]
        filer = f"{filer_home}_office" if academy.office else filer_home
        return filer, owner or filer_home
    filer = f"{filer_home}_centre" if filer_home.isdigit() else filer_home
    return filer, owner or filer


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _shares(rng: random.Random, count: int) -> list[int]:
    """Integer contribution shares adding up to 100, the first (the project leader) the largest."""
    weights = sorted((rng.randint(5, 30) for _ in range(count - 1)), reverse=True)
    lead = max(weights, default=0) + rng.randint(10, 30)
    total = lead + sum(weights)
    shares = [round(100 * weight / total) for weight in [lead, *weights]]
    shares[0] += 100 - sum(shares)
    return shares


def _readiness(rng: random.Random, *, soft_science: bool) -> int:
    if soft_science:
        return rng.choice((6, 7, 8, 9))
    return rng.choices((3, 4, 5, 6, 7, 8, 9), weights=(5, 10, 16, 22, 21, 16, 10))[0]


def _stage(trl: int) -> str:
    if trl <= 4:
        return AchievementStage.EARLY
    return AchievementStage.MIDDLE if trl <= 6 else AchievementStage.MATURE


def _cooperation_modes(rng: random.Random, trl: int, *, soft_science: bool) -> list[str]:
    if soft_science:
        return [CooperationMode.TECHNICAL_SERVICE]
    if trl <= 4:
        pool = [
            CooperationMode.JOINT_DEVELOPMENT,
            CooperationMode.TECHNICAL_SERVICE,
            CooperationMode.TRANSFER,
        ]
    else:
        pool = [
            CooperationMode.TRANSFER,
            CooperationMode.LICENCE_ORDINARY,
            CooperationMode.LICENCE_EXCLUSIVE,
            CooperationMode.LICENCE_SOLE,
            CooperationMode.INVESTMENT,
            CooperationMode.JOINT_DEVELOPMENT,
            CooperationMode.TECHNICAL_SERVICE,
        ]
    chosen = set(rng.sample(pool, rng.randint(1, 3)))
    return [mode for mode in CooperationMode.values if mode in chosen]


def _price(rng: random.Random, trl: int) -> tuple[str, Decimal | None]:
    if rng.random() < 0.35:
        return PriceType.NEGOTIABLE, None
    low, high = (10, 120) if trl <= 4 else (30, 600) if trl <= 6 else (50, 1500)
    ten_thousands = max(10, round(math.exp(rng.uniform(math.log(low), math.log(high))) / 5) * 5)
    return PriceType.FIXED, Decimal(ten_thousands * 10_000)


NSFC_DEPARTMENTS = {
    "01": "6",
    "02": "5",
    "03": "5",
    "04": "8",
    "05": "5",
    "06": "7",
    "07": "5",
    "08": "4",
    "09": "5",
    "10": "3",
    "11": "1",
}


def _funding(rng: random.Random, field: str, region: str, year: int, *, dual_use: bool) -> dict:
    """Programme, project number and amount (yuan) of the project behind the achievement, if any."""
    year = max(2015, year - rng.randint(1, 3))
    in_chengdu = region.startswith("5101")
    draw = rng.random()
    if draw < 0.15:
        return {}
    if dual_use and draw < 0.45:
        name, number, amount = "军民融合发展专项", f"{year}JMRH{rng.randint(1, 9999):04d}", (100, 800)
    elif draw < 0.35:
        letter = {"04": "C", "06": "C", "08": "C", "10": "D"}.get(field, "B")
        name = "国家重点研发计划"
        number = f"{year}YF{letter}{rng.randint(1, 40):02d}{rng.randint(0, 99999):05d}"
        amount = (150, 1200)
    elif draw < 0.55:
        name = "国家自然科学基金"
        number = f"{NSFC_DEPARTMENTS[field]}{year % 100:02d}{rng.randint(10000, 99999)}"
        amount = (24, 300)
    elif draw < 0.75:
        kind = {"04": "YFS", "06": "YFS", "08": "YFS", "10": "YFN"}.get(field, "YFG")
        name, number, amount = "四川省科技计划", f"{year}{kind}{rng.randint(1, 999):04d}", (20, 500)
    elif draw < 0.82:
        name, number, amount = "四川省重大科技专项", f"{year}ZDZX{rng.randint(1, 99):04d}", (300, 2000)
    elif draw < 0.88:
        name, number, amount = "中央引导地方科技发展资金", f"{year}ZYD{rng.randint(1, 199):04d}", (100, 500)
    elif in_chengdu:
        name, number, amount = "成都市科技项目", f"{year}-YF05-{rng.randint(1, 2999):05d}-SN", (20, 300)
    else:
        name, number, amount = "企业委托开发项目", f"HX{year}-{rng.randint(1, 999):03d}", (20, 500)
    return {
        "funding_programme": name,
        "project_number": number,
        "funding_amount": Decimal(rng.randint(*amount) * 10_000),
    }


DEVICE_ENDINGS = (
    "系统",
    "装置",
    "设备",
    "平台",
    "模块",
    "芯片",
    "机器人",
    "终端",
    "单元",
    "生产线",
    "工作站",
    "处理机",
    "处理器",
    "仪表",
    "天线",
    "传感器",
    "控制器",
    "变流器",
    "分析仪",
    "加速器",
    "发生器",
    "器件",
    "电堆",
    "副车架",
)
UTILITY_PARTS = ("安装结构", "连接组件", "散热结构", "固定装置", "检测工装", "防护外壳")


def _stem(title: str) -> str:
    for suffix in ("关键技术", "技术", "工艺", "方法", "软件"):
        if title.endswith(suffix) and len(title) > len(suffix) + 2:
            return title[: -len(suffix)]
    return title


# Follow-up inventions: for a device, a process (…技术, …工艺) and anything else (materials, drugs).
SECOND_INVENTIONS = {
    "device": ("控制方法", "检测方法", "标定方法", "故障诊断方法"),
    "process": ("参数优化方法", "质量检测方法", "在线监测方法"),
    "other": ("制备方法", "检测方法", "应用"),
}
# Fields whose results come with utility models (devices and equipment).
UTILITY_MODEL_FIELDS = frozenset({"01", "02", "05", "07", "08", "09", "11"})


def patent_titles(title: str, rng: random.Random) -> tuple[list[str], str]:
    """Plausible titles of the invention patents (main and follow-up) and a utility model behind it."""
    stem = _stem(title)
    is_device = title.endswith(DEVICE_ENDINGS)
    if "及其" in title or title.endswith("应用"):
        invention = title
    elif title.endswith("选育"):
        invention = f"一种{title.removesuffix('选育')}的选育方法"
    elif is_device:
        invention = f"一种{title}"
    elif stem != title:
        invention = f"一种{stem}方法"
    else:
        invention = f"一种{title}及其制备方法"
    kind = "device" if is_device else "process" if stem != title else "other"
    follow_ups = [f"一种{stem}的{method}" for method in rng.sample(SECOND_INVENTIONS[kind], 2)]
    utility = f"一种{title}的{rng.choice(UTILITY_PARTS)}" if is_device else f"一种用于{stem}的装置"
    return [invention, *follow_ups], utility


def _patent_number(rng: random.Random, year: int, type_digit: str, taken: set[str]) -> str:
    serial = rng.randint(100_000, 1_999_999)
    while True:
        body = f"{year}{type_digit}{serial:07d}"
        if body not in taken:
            taken.add(body)
            return f"ZL{body}.{check_character(body)}"
        serial += 1


def _grant(rng: random.Random, applied_on: date, kind: str) -> tuple[str, date | None]:
    months = rng.randint(18, 40) if kind == IPKind.INVENTION_PATENT else rng.randint(6, 12)
    granted_on = applied_on + timedelta(days=30 * months)
    if granted_on > date(2025, 12, 31) or rng.random() < 0.1:
        return IPStatus.APPLIED, None
    return IPStatus.GRANTED, granted_on


def _ip_assets(
    rng: random.Random, field: str, title: str, completed_on: date, taken: set[str], *, soft_science: bool
) -> tuple[IPAssetSpec, ...]:
    if soft_science:
        return ()
    assets = []
    invention_titles, utility_title = patent_titles(title, rng)
    count = rng.choice((0, 1, 1, 2, 2, 3)) if field != "10" else rng.choice((0, 1, 1))
    years = sorted(
        rng.randint(max(2016, completed_on.year - 4), min(2024, completed_on.year)) for _ in range(count)
    )
    for index, year in enumerate(years):
        applied_on = date(year, rng.randint(1, 12), rng.randint(1, 28))
        status, granted_on = _grant(rng, applied_on, IPKind.INVENTION_PATENT)
        number = _patent_number(rng, year, "1", taken)
        assets.append(
            IPAssetSpec(IPKind.INVENTION_PATENT, number, invention_titles[index], status, granted_on)
        )
    if field in UTILITY_MODEL_FIELDS and rng.random() < 0.45:
        year = rng.randint(max(2016, completed_on.year - 3), min(2024, completed_on.year))
        applied_on = date(year, rng.randint(1, 12), rng.randint(1, 28))
        status, granted_on = _grant(rng, applied_on, IPKind.UTILITY_MODEL)
        number = _patent_number(rng, year, "2", taken)
        assets.append(IPAssetSpec(IPKind.UTILITY_MODEL, number, utility_title, status, granted_on))
    if title.endswith(("设备", "终端", "仪表")) and rng.random() < 0.3:
        year = rng.randint(max(2016, completed_on.year - 2), min(2024, completed_on.year))
        applied_on = date(year, rng.randint(1, 12), rng.randint(1, 28))
        status, granted_on = _grant(rng, applied_on, IPKind.UTILITY_MODEL)
        number = _patent_number(rng, year, "3", taken)
        assets.append(IPAssetSpec(IPKind.DESIGN_PATENT, number, f"{title}（外观）", status, granted_on))
    if any(word in title for word in ("系统", "平台", "软件", "模型")) and rng.random() < 0.7:
        year = rng.randint(max(2016, completed_on.year - 2), min(2025, completed_on.year))
        number = f"{year}SR{rng.randint(10_000, 1_999_999):07d}"
        name = f"{_stem(title).removesuffix('系统').removesuffix('平台')}软件V{rng.randint(1, 3)}.0"
        assets.append(
            IPAssetSpec(IPKind.SOFTWARE_COPYRIGHT, number, name, IPStatus.GRANTED, date(year, 6, 30))
        )
    if "芯片" in title or "器件" in title:
        year = rng.randint(max(2016, completed_on.year - 2), min(2024, completed_on.year))
        number = f"BS.{year % 100:02d}5{rng.randint(0, 99999):05d}{rng.randint(0, 9)}"
        assets.append(IPAssetSpec(IPKind.IC_LAYOUT, number, title, IPStatus.GRANTED, date(year, 9, 30)))
    if field == "10" and ("品种" in title or "选育" in title):
        year = rng.randint(max(2016, completed_on.year - 3), min(2024, completed_on.year))
        number = f"CNA{year}{rng.randint(1000, 9999)}.{rng.randint(0, 9)}"
        assets.append(
            IPAssetSpec(IPKind.PLANT_VARIETY, number, title, IPStatus.GRANTED, date(year + 1, 3, 1))
        )
    if "工艺" in title and rng.random() < 0.3:
        assets.append(
            IPAssetSpec(IPKind.TECHNICAL_SECRET, "", f"{title}关键参数", IPStatus.NOT_APPLICABLE, None)
        )
    return tuple(assets)


def _summary(rng: random.Random, entry: pools.Entry, field: str, trl: int, *, soft_science: bool) -> str:
    if soft_science:
        readiness = rng.choice(SOFT_SCIENCE_USE)
    else:
        readiness = rng.choice(FIELD_READINESS.get(field, READINESS)[trl]).format(
            firms=rng.randint(3, 40), counties=rng.randint(3, 60), value=rng.randint(5, 150) / 10
        )
    sentences = [entry.core, readiness]
    if entry.dual_use:
        sentences.append(DUAL_USE[entry.dual_use])
    return "".join(sentences)


def _outcomes() -> dict[str, str]:
    """Title → outcome for the filings that stop short of publication (the last ones of their home)."""
    by_home: dict[str, list[str]] = {}
    for pool in pools.POOLS.values():
        for entry in pool:
            by_home.setdefault(entry.home.partition(">")[0], []).append(entry.title)
    outcomes = {}
    for home, unfinished in UNFINISHED.items():
        titles = by_home[home]
        for title, outcome in zip(titles[-len(unfinished) :], unfinished, strict=True):
            outcomes[title] = outcome
    return outcomes


def achievement_specs() -> list[AchievementSpec]:
    """All demo achievements, in pool order; the same list on every call."""
    outcomes = _outcomes()
    taken_patent_numbers: set[str] = set()
    specs = []
    for field, pool in pools.POOLS.items():
        for entry in pool:
            rng = random.Random(f"{SEED}:{entry.title}")
            filer, owner = _filer_and_owner(entry.home)
            soft_science = filer == "swufe"
            trl = _readiness(rng, soft_science=soft_science)
            completed_on = date(rng.randint(2018, 2025), rng.randint(1, 12), rng.randint(1, 28))
            price_type, price = _price(rng, trl)
            owners: tuple[tuple[str, int], ...] = ((owner, 100),)
            partners = [key for key, words in PARTNERS.items() if any(word in entry.title for word in words)]
            if owner in _ACADEMIES and owner not in SOLE_OWNERS and partners and rng.random() < 0.3:
                first, second = rng.choice(MIXED_SPLITS)
                owners = ((owner, first), (rng.choice(partners), second))
            if soft_science:
                achievement_type = AchievementType.SOFT_SCIENCE
            elif trl == 3 and rng.random() < 0.5:
                achievement_type = AchievementType.BASIC
            else:
                achievement_type = AchievementType.APPLIED
            data = {
                "title": entry.title,
                "summary": _summary(rng, entry, field, trl, soft_science=soft_science),
                "detail": APPLICATIONS[field] + rng.choice(OFFERS),
                "detail_visibility": rng.choices(
                    (DetailVisibility.SIGNED_IN, DetailVisibility.PUBLIC, DetailVisibility.ENTERPRISE),
                    weights=(6, 3, 1),
                )[0],
                "keywords": entry.keywords.split(),
                "technology_field": field,
                "industry": rng.choice(INDUSTRIES[field]),
                "strategic_industry": rng.choice(STRATEGIC[field]),
                "trl": trl,
                "stage": _stage(trl),
                "achievement_type": achievement_type,
                "completed_on": completed_on,
                "cooperation_modes": _cooperation_modes(rng, trl, soft_science=soft_science),
                "price_type": price_type,
                "indicative_price": price,
                "is_dual_use": bool(entry.dual_use),
                "secrecy_status": SecrecyStatus.DECLASSIFIED
                if entry.dual_use == "declassified"
                else SecrecyStatus.NEVER_CLASSIFIED,
                **_funding(rng, field, _REGIONS[filer], completed_on.year, dual_use=bool(entry.dual_use)),
            }
            people = [person_name(rng) for _ in range(rng.randint(2, 6))]
            contributors = tuple(zip(people, _shares(rng, len(people)), strict=True))
            outcome = outcomes.get(entry.title, "published")
            reason = rng.choice(RETURN_REASONS) if outcome in ("returned", "resubmitted") else ""
            ip_assets = _ip_assets(
                rng, field, entry.title, completed_on, taken_patent_numbers, soft_science=soft_science
            )
            specs.append(
                AchievementSpec(
                    import_key=import_key(entry.title),
                    field=field,
                    filer=filer,
                    owners=owners,
                    outcome=outcome,
                    return_reason=reason,
                    data=data,
                    contributors=contributors,
                    ip_assets=ip_assets,
                )
            )
    return specs
