# Regenerates number_parse.tsv with python3 3.11: python3 gen_number_parse.py > number_parse.tsv
# Columns: op (int/float/str/base), input (escaped), base, result (int as hex, float as bits) or !Error: msg
import struct, random
random.seed(3)
def esc(s): return s.replace('\\','\\\\').replace('\t','\\t').replace('\n','\\n')
def res(f):
    try: return f()
    except Exception as e: return '!'+type(e).__name__+': '+esc(str(e))
out=[]
ints=['0','1','-1','+1',' 12 ','\t\n42\x0b\x0c\r','1_000','1__000','_1','1_','0x1f','0X1F','0o17','0b101','0_0','00','010','0_1','-0x1f','0x_1f','0x__1f','0x','0b2','1e5','1.0','','  ','abc','ABC','zz','Z','9'*30,'-'+'9'*30,
      '١٢٣','１２３','\u3000 7\u3000','\u2028 8','\x1c9\x1d','12é','é','1\x002','+-1','--1','- 1','0b_1','0b1_','0o8','0xg','9223372036854775807','9223372036854775808','-9223372036854775808','-9223372036854775809','1'*4300,'1'*4301,'1'*5000,'1'*5000+'x','x'+'1'*5000,'0'*4301,'1_'*4300+'1','f'*5000,'a'*300,'0x'+'f'*5000,'𝟏𝟐']
bases=[10,0,16,8,2,36,3,7,1,37,-1]
for s in ints:
    for b in bases:
        if len(s)>1000 and b not in (10,16,0): continue
        r=res(lambda: int(s,b))
        if isinstance(r,int): r=hex(r)
        out.append('\t'.join(['int',esc(s),str(b),r]))
for i in range(300):
    b=random.choice([2,3,8,10,16,36,0,5])
    digs='0123456789abcdefghijklmnopqrstuvwxyz'[:b if b else 10]
    s=random.choice(['','-','+',' '])+''.join(random.choice(digs+('_' if random.random()<0.3 else '')) for _ in range(random.randint(1,40)))
    r=res(lambda: int(s,b))
    if isinstance(r,int): r=hex(r)
    out.append('\t'.join(['int',esc(s),str(b),r]))
floats=['0','1','-1','+1.5',' 1.5 ','1.','.5','.','-.5','+.5e3','1e5','1E5','1e+5','1e-5','1e','e5','1e5.5','1_0.5','1_.5','1._5','1e1_0','1__0','_1','1_','1.5_','inf','-inf','+inf','INF','Infinity','-iNfInItY','infinit','infinityy','nan','-nan','+NaN','nan(1)','in','1e500','-1e500','1e-500','4.9e-324','2.4703282292062328e-324','2.4703282292062327e-324','0.1','0.30000000000000004','1.7976931348623157e308','1.7976931348623158e308','1.797693134862315807e308','9007199254740993','123456789012345678901234567890','','  ','abc','1.5x','١.٥','１e１','\u30001.5\u3000','1\x00','0x10','1 5','- 1','1e-0','00001.5000','2.675','1'*400,'0.'+'0'*400+'1','1e99999999999999999999','1e-99999999999999999999']
for s in floats:
    r=res(lambda: float(s))
    if isinstance(r,float): r='%016x'%struct.unpack('<Q',struct.pack('<d',r))[0]
    out.append('\t'.join(['float',esc(s),'0',r]))
for i in range(300):
    s='%s%d.%de%d'%(random.choice(['','-']),random.randint(0,10**random.randint(0,20)),random.randint(0,10**random.randint(0,20)),random.randint(-330,310))
    r=res(lambda: float(s))
    if isinstance(r,float): r='%016x'%struct.unpack('<Q',struct.pack('<d',r))[0]
    out.append('\t'.join(['float',esc(s),'0',r]))
for v in [0,1,-1,10**20,-(10**20),10**4299,10**4300-1,-(10**4300-1),10**4300,-(10**4300),2**14285,2**14286,2**14284,2**14283,10**10000]:
    r=res(lambda: str(v))
    out.append('\t'.join(['str',hex(v),'10',r]))
for v in [0,1,-1,31,-31,255,2**64,-(2**100)+1,10**5000]:
    for b,fn in ((2,bin),(8,oct),(16,hex)):
        out.append('\t'.join(['base',hex(v),str(b),fn(v)]))
print('\n'.join(out))
