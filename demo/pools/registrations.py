"""The hand-written content of the imported registrations (``demo.specs.registrations``): technology
contracts signed by Sichuan sellers and registered in Sichuan, most of them negotiated off the platform.

Universities and research institutes carry their real names (their credit codes are synthetic, as in
``demo.specs.institutions``); every enterprise, Chinese or foreign, and every person is made up. Region
codes are real GB/T 2260 county codes, country codes those of the customs table (国别代码).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Party:
    """An organisation off the platform: its name, county (GB/T 2260), 买/卖方性质 code and the
    technology fields it works in (``technology_field`` codes)."""

    name: str
    region: str
    entity_type: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class ForeignParty:
    name: str  # Chinese
    original: str  # the name in its own language, as on the contract
    country: str  # customs country code
    fields: tuple[str, ...]


P = Party
UNIVERSITY, INSTITUTE, PUBLIC, LTD, PLC, STATE, PRIVATE = "022", "021", "024", "150", "160", "110", "170"

# Sellers in Sichuan that are not on the platform: universities and institutes (real names) and
# enterprises (made up), in the cities where they are.
# fmt: off
SICHUAN_SELLERS = (
    P("西华大学", "510117", UNIVERSITY, ("02", "09", "10")),
    P("成都信息工程大学", "510116", UNIVERSITY, ("01", "08")),
    P("四川师范大学", "510112", UNIVERSITY, ("06", "01")),
    P("成都中医药大学", "510115", UNIVERSITY, ("04",)),
    P("西南民族大学", "510116", UNIVERSITY, ("10", "04")),
    P("成都大学", "510108", UNIVERSITY, ("04", "01", "10")),
    P("成都理工大学工程技术学院", "511102", UNIVERSITY, ("03", "11")),
    P("西南科技大学城市学院", "510703", UNIVERSITY, ("06",)),
    P("四川文理学院", "511702", UNIVERSITY, ("03", "10")),
    P("宜宾学院", "511502", UNIVERSITY, ("07", "01")),
    P("四川省农业科学院", "510104", INSTITUTE, ("10",)),
    P("四川省林业科学研究院", "510106", INSTITUTE, ("10", "08")),
    P("四川省建筑科学研究院有限公司", "510106", STATE, ("06",)),
    P("中国测试技术研究院", "510108", INSTITUTE, ("01", "02")),
    P("四川省自然资源科学研究院", "510107", INSTITUTE, ("08",)),
    P("四川省中医药科学院", "510107", INSTITUTE, ("04",)),
    P("绵阳市农业科学研究院", "510703", INSTITUTE, ("10",)),
    P("南充市农业科学院", "511302", INSTITUTE, ("10",)),
    P("成都蜀工智联科技有限公司", "510116", PRIVATE, ("01", "02")),
    P("成都天府云链数据服务有限公司", "510107", LTD, ("01", "06")),
    P("成都锦瑞生物技术有限公司", "510115", LTD, ("04",)),
    P("四川川交路桥检测科技有限公司", "510106", STATE, ("06", "09")),
    P("四川蜀水生态环境工程有限公司", "510105", LTD, ("08", "06")),
    P("成都九洲智航电子科技有限公司", "510116", PLC, ("01", "05")),
    P("成都蓉电能源科技股份有限公司", "510104", PLC, ("07",)),
    P("四川西部勘测设计研究院有限公司", "510108", STATE, ("06", "07")),
    P("德阳东汽动力技术服务有限公司", "510603", STATE, ("02", "07")),
    P("德阳旌城智能装备有限公司", "510681", LTD, ("02",)),
    P("绵阳长城微波科技有限公司", "510703", LTD, ("01", "05")),
    P("绵阳九天核技术应用有限公司", "510704", LTD, ("11",)),
    P("宜宾三江储能材料有限公司", "511502", LTD, ("07", "03")),
    P("宜宾智谷软件科技有限公司", "511503", PRIVATE, ("01",)),
    P("自贡华西特种阀门有限公司", "510302", LTD, ("02",)),
    P("攀枝花钒谷新材料研究院有限公司", "510402", LTD, ("03",)),
    P("泸州老窖酿造技术服务有限公司", "510502", LTD, ("10", "04")),
    P("遂宁锂源新能源科技有限公司", "510903", LTD, ("07",)),
    P("乐山硅谷光伏技术有限公司", "511102", PLC, ("07", "03")),
    P("南充嘉陵石化工程技术有限公司", "511302", STATE, ("07", "08")),
    P("眉山东坡数字农业科技有限公司", "511402", PRIVATE, ("10", "01")),
    P("达州秦巴天然气化工技术有限公司", "511702", LTD, ("03", "08")),
    P("雅安雨城大数据科技有限公司", "511802", PRIVATE, ("01",)),
    P("凉山安宁河农业科技有限公司", "513401", PRIVATE, ("10",)),
    P("广元利州绿色食品研究有限公司", "510802", LTD, ("10", "03")),
    P("内江甜城冶金材料技术有限公司", "511002", LTD, ("03", "02")),
    P("广安渠江智能装备有限公司", "511602", LTD, ("02", "08")),
    P("巴中秦巴药业科技有限公司", "511902", PRIVATE, ("04", "10")),
    P("资阳蜀安口腔科技有限公司", "512002", LTD, ("04", "09")),
    P("阿坝州岷江生态农牧科技有限公司", "513221", PRIVATE, ("10", "08")),
    P("甘孜州雪域高原农牧科技有限公司", "513301", PRIVATE, ("10", "07")),
)

# Buyers in Sichuan that are not on the platform.
SICHUAN_BUYERS = (
    P("成都兴蓉水务环境科技有限公司", "510104", STATE, ("08",)),
    P("成都双流航空港物流有限公司", "510116", LTD, ("09",)),
    P("成都彭州天彭中药材种植专业合作社", "510182", "180", ("10", "04")),
    P("成都青白江铁路装备有限公司", "510113", LTD, ("09", "02")),
    P("四川川南高速公路建设开发有限公司", "510502", STATE, ("06", "09")),
    P("四川华蓥山煤业有限公司", "511681", STATE, ("08",)),
    P("德阳广汉石油钻采设备有限公司", "510681", LTD, ("02", "07")),
    P("绵阳游仙电子元件有限公司", "510704", PRIVATE, ("01",)),
    P("广元昭化绿色食品有限公司", "510811", PRIVATE, ("10",)),
    P("内江威远页岩气开发有限公司", "511024", STATE, ("07",)),
    P("乐山沙湾冶金材料有限公司", "511111", LTD, ("03",)),
    P("资阳安岳柠檬产业发展有限公司", "512021", PRIVATE, ("10",)),
    P("巴中恩阳茶业有限公司", "511903", PRIVATE, ("10",)),
    P("广安岳池化工有限公司", "511621", LTD, ("08", "03")),
    P("阿坝州九寨沟生态旅游发展有限公司", "513225", STATE, ("06", "08")),
    P("甘孜州康定水电开发有限公司", "513301", STATE, ("07",)),
    P("四川省交通运输厅公路规划勘察设计研究院", "510107", PUBLIC, ("06", "09")),
    P("成都市第三人民医院", "510105", "023", ("04",)),
    P("四川省人民医院", "510105", "023", ("04",)),
    P("成都市规划和自然资源局", "510104", "013", ("06",)),
)

# Buyers in other provinces.
OTHER_PROVINCE_BUYERS = (
    P("上海临港智能装备有限公司", "310115", LTD, ("02", "05")),
    P("上海张江创新药物研究有限公司", "310115", LTD, ("04",)),
    P("上海闵行电力设备股份有限公司", "310112", PLC, ("07", "02")),
    P("上海嘉定汽车零部件研发有限公司", "310114", LTD, ("09",)),
    P("北京中关村数联科技有限公司", "110108", PRIVATE, ("01",)),
    P("北京京能清洁能源研究院有限公司", "110105", STATE, ("07",)),
    P("北京昌平生命科学技术有限公司", "110114", LTD, ("04",)),
    P("天津滨海新区海工装备有限公司", "120116", STATE, ("02",)),
    P("深圳南山智能终端有限公司", "440305", PRIVATE, ("01",)),
    P("深圳福田金融科技服务有限公司", "440304", LTD, ("01", "06")),
    P("广州天河生物医药科技有限公司", "440106", LTD, ("04",)),
    P("东莞松山湖新材料有限公司", "441900", LTD, ("03",)),
    P("佛山顺德家电技术研究有限公司", "440606", PRIVATE, ("02", "01")),
    P("重庆两江新能源汽车有限公司", "500112", PLC, ("09", "07")),
    P("重庆九龙坡铝加工有限公司", "500107", STATE, ("03",)),
    P("重庆沙坪坝轨道交通装备有限公司", "500106", LTD, ("09", "02")),
    P("杭州滨江数字技术有限公司", "330108", PRIVATE, ("01",)),
    P("杭州西湖环境工程有限公司", "330106", LTD, ("08",)),
    P("宁波鄞州模具科技有限公司", "330212", PRIVATE, ("02",)),
    P("杭州余杭生物材料有限公司", "330110", LTD, ("03", "04")),
    P("苏州吴中精密机械有限公司", "320506", LTD, ("02",)),
    P("南京江宁智能电网科技有限公司", "320115", PLC, ("07", "01")),
    P("无锡新吴半导体封装有限公司", "320214", LTD, ("01",)),
    P("昆山光电显示材料有限公司", "320583", LTD, ("03", "01")),
    P("西安雁塔航空电子有限公司", "610113", STATE, ("05", "01")),
    P("武汉光谷激光技术有限公司", "420111", LTD, ("02", "01")),
    P("贵阳观山湖大数据有限公司", "520115", STATE, ("01",)),
    P("昆明五华高原农业科技有限公司", "530102", PRIVATE, ("10",)),
    P("青岛黄岛海洋生物科技有限公司", "370211", LTD, ("04", "10")),
    P("长沙岳麓工程机械有限公司", "430104", PLC, ("02",)),
    P("厦门思明环保科技有限公司", "350203", LTD, ("08",)),
    P("合肥蜀山量子信息技术有限公司", "340104", LTD, ("01",)),
)

F = ForeignParty

# Foreign buyers (made up), with the name on the contract and its Chinese rendering.
FOREIGN_BUYERS = (
    F("莱茵沃克能源技术有限公司", "Rheinwerk Energietechnik GmbH", "304", ("07", "02")),
    F("巴伐利亚精密机械股份公司", "Bayerische Präzisionsmechanik AG", "304", ("02",)),
    F("汉萨医疗器械有限公司", "Hansa Medizintechnik GmbH", "304", ("04",)),
    F("东和精密株式会社", "株式会社東和精密", "116", ("02", "01")),
    F("北陆化学工业株式会社", "北陸化学工業株式会社", "116", ("03",)),
    F("樱丘农业科技株式会社", "桜丘アグリテック株式会社", "116", ("10",)),
    F("海峡水务科技私人有限公司", "Straits Water Technologies Pte. Ltd.", "132", ("08",)),
    F("狮城数据分析私人有限公司", "Merlion Data Analytics Pte. Ltd.", "132", ("01",)),
    F("松岭生物分析公司", "Pinecrest Bioanalytics, Inc.", "502", ("04",)),
    F("湖滨电池系统公司", "Lakeshore Battery Systems LLC", "502", ("07",)),
    F("韩光材料株式会社", "한광소재 주식회사", "133", ("03",)),
    F("埃文铁路系统有限公司", "Avonlea Rail Systems Ltd", "303", ("09",)),
    F("阿尔卑斯液压公司", "Société Alpine d'Hydraulique SAS", "305", ("02",)),
    F("威尼托机械有限责任公司", "Meccanica Veneta S.r.l.", "307", ("02", "10")),
    F("暹罗农业科技有限公司", "Siam Agritech Co., Ltd.", "136", ("10",)),
    F("南十字矿业技术有限公司", "Southern Cross Mining Technology Pty Ltd", "601", ("08", "03")),
)
# fmt: on

# Where the persons who buy technology live (county codes current in the GB/T 2260 table and in use since the 1980s,
# so that a synthetic identity number drawn for them passes the birth-place check).
PERSON_REGIONS = (
    "510112", "510113", "510121", "510129", "510302", "510402", "510502", "510521", "510623",
    "510722", "510802", "511002", "511102", "511112", "513401", "513221", "513322",
    "110108", "310112", "440305", "330106", "420111", "610113",
)  # fmt: skip

# Subjects of contracts by technology field; a contract's title is a subject and its category's word.
# fmt: off
SUBJECTS: dict[str, tuple[str, ...]] = {
    "01": ("工业互联网平台", "智慧园区管理系统", "毫米波雷达信号处理算法", "电力调度数据中台", "医院信息系统升级",
           "政务数据共享交换平台", "射频前端芯片测试", "智能制造执行系统", "城市视频智能分析系统", "北斗定位终端"),
    "02": ("大型铸锻件焊接工艺", "数控机床可靠性提升", "液压系统故障诊断", "燃气轮机叶片加工工艺", "智能仓储物流装备",
           "精密减速器", "压力容器无损检测", "工业机器人集成应用", "阀门密封结构优化"),
    "03": ("钒钛磁铁矿综合利用", "高纯晶硅制备工艺", "锂电池正极材料", "玄武岩纤维复合材料", "特种工程塑料改性",
           "稀土永磁材料", "高性能混凝土外加剂", "石墨烯导热膜"),
    "04": ("中药配方颗粒质量标准", "创新药临床前药效评价", "医用高分子材料", "体外诊断试剂", "中药材规范化种植",
           "口腔修复材料", "生物发酵工艺优化", "医疗器械注册检验"),
    "05": ("无人机飞控系统", "航空发动机零部件修复", "机载电子设备环境试验", "复合材料构件成型工艺", "卫星通信终端"),
    "06": ("城市排水管网检测评估", "隧道施工安全监测", "老旧小区改造规划", "建筑节能改造", "智慧社区养老平台",
           "历史文化街区保护规划", "地质灾害防治"),
    "07": ("页岩气压裂工艺", "水电站机组状态检修", "分布式光伏电站设计", "储能电站能量管理系统", "工业余热回收",
           "氢燃料电池电堆", "风电场功率预测", "天然气管道完整性评价"),
    "08": ("工业废水深度处理", "土壤重金属污染修复", "固体废物资源化利用", "大气污染源解析", "矿山生态修复",
           "垃圾焚烧飞灰处置", "流域水环境综合治理"),
    "09": ("轨道交通车辆转向架检测", "高速公路路面养护", "新能源汽车电驱系统", "桥梁结构健康监测", "城市交通信号优化",
           "动车组牵引变流器"),
    "10": ("猕猴桃新品种选育", "茶叶清洁化加工", "生猪健康养殖", "柑橘病虫害绿色防控", "水稻机械化种植",
           "川芎规范化种植", "食用菌工厂化栽培", "柠檬精深加工", "高原牦牛饲养"),
    "11": ("辐照灭菌工艺", "核电站设备检测", "放射性废物处理", "同位素示踪应用", "核级阀门设计"),
}
# fmt: on

# The word each sub-type adds to a subject (委托开发 contracts read "…技术开发", and so on).
TITLE_WORDS = {
    "commissioned_development": ("技术开发", "研发"),
    "cooperative_development": ("合作开发", "联合研发"),
    "patent_right": ("专利权转让",),
    "patent_application_right": ("专利申请权转让",),
    "technical_secret_transfer": ("技术秘密转让",),
    "other_ip_transfer": ("软件著作权转让",),  # 植物新品种权转让 for agriculture
    "technology_equity": ("技术作价入股",),
    "patent_licence": ("专利实施许可",),
    "technical_secret_licence": ("技术秘密使用许可",),
    "feasibility": ("可行性论证",),
    "forecast": ("技术预测",),
    "special_survey": ("专题调查",),
    "evaluation_report": ("技术评价报告", "分析评价"),
    "technical_service": ("技术服务", "检测服务", "工程技术服务", "技术支持"),
    "technical_training": ("技术培训",),
    "technical_intermediary": ("技术中介服务",),
}
# Subjects a person buys: small services, trainings and plant varieties for a farm or a workshop.
PERSON_SUBJECTS = ("猕猴桃种植", "茶园管理", "食用菌栽培", "中药材种植", "民宿节能改造", "小型加工设备改进",
                   "网店数据分析", "柑橘嫁接")  # fmt: skip

CANCEL_NOTES = (
    "合同双方已协议解除合同，经申请方申请，予以注销登记。",
    "经核查，合同主要内容为设备买卖，不属于技术合同，撤销原登记。",
    "申请方重复登记同一合同，注销后登记的一份。",
)
